import Testing

@testable import Backtest

@Suite("Optimisation: progress line and display")
struct OptimisationProgressTests {
    @Test func progressLinesAreFormattedExactly() {
        let meter = ProgressMeter(total: 100, objective: "sharpe")
        #expect(meter.line(done: 50, elapsed: 12, best: 1.2344)
            == "[##########----------]  50/100  50%  elapsed 0:12  ETA 0:12  best sharpe 1.234")
        #expect(meter.line(done: 0, elapsed: 3, best: nil) == "[--------------------]  0/100  0%  elapsed 0:03  ETA --  best sharpe --")
        #expect(meter.line(done: 100, elapsed: 3725, best: -0.5)
            == "[####################]  100/100  100%  elapsed 1:02:05  ETA 0:00  best sharpe -0.500")
    }

    @Test func etaCountsOnlyThisRunsEvaluations() {
        let meter = ProgressMeter(total: 100, resumed: 40, objective: "calmar")
        // 40 resumed: ETA -- until this run finishes one.
        #expect(meter.line(done: 40, elapsed: 5, best: 2) == "[########------------]  40/100  40%  elapsed 0:05  ETA --  best calmar 2.000")
        // 10 in 20 s here: 2 s each, 50 to go.
        #expect(meter.line(done: 50, elapsed: 20, best: 2) == "[##########----------]  50/100  50%  elapsed 0:20  ETA 1:40  best calmar 2.000")
    }

    @Test func aTerminalRedrawsInPlace() {
        let output = DisplayOutput()
        let display = ProgressDisplay(meter: ProgressMeter(total: 2, objective: "sharpe"), isTerminal: true, write: output.append)
        display.update(done: 1, elapsed: 1, best: 0.5)
        display.update(done: 2, elapsed: 2, best: 0.5)
        display.finish()
        #expect(output.text == [
            "\r[##########----------]  1/2  50%  elapsed 0:01  ETA 0:01  best sharpe 0.500\u{1B}[K",
            "\r[####################]  2/2  100%  elapsed 0:02  ETA 0:00  best sharpe 0.500\u{1B}[K",
            "\n",
        ])
    }

    @Test func otherwiseALineAtEachFurtherFivePercentAndTheLastState() {
        let output = DisplayOutput()
        let display = ProgressDisplay(meter: ProgressMeter(total: 200, objective: "sharpe"), isTerminal: false, write: output.append)
        for done in 1...150 { display.update(done: done, elapsed: Double(done), best: nil) }
        display.update(done: 151, elapsed: 151, best: nil)
        display.finish()
        #expect(output.text.count == 16)
        #expect(output.text.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
        #expect(output.text[0].hasPrefix("[#-------------------]  10/200  5%"))
        #expect(output.text[14].hasPrefix("[###############-----]  150/200  75%"))
        #expect(output.text[15].hasPrefix("[###############-----]  151/200  75%"))
    }
}

/// Collects what a display writes.
final class DisplayOutput {
    private(set) var text: [String] = []

    func append(_ line: String) { text.append(line) }
}
