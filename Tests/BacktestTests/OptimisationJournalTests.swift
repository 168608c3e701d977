import Foundation
import Testing

@testable import Backtest

@Suite("Optimisation: journal and resume")
struct OptimisationJournalTests {
    static let search = ParameterSearch.random(count: 30, seed: 5)

    static func optimiser(journal: String?, objective: OptimisationObjective = .totalReturn, parallelism: Int = 3) throws -> Optimiser {
        try Optimiser(
            space: try movingAverageSpace(), search: search, objective: objective, parallelism: parallelism, journalPath: journal,
            showsProgress: false)
    }

    /// Scores that tie now and then, so the ranking's tie-break is exercised too.
    static func evaluate(_ point: ParameterPoint) throws -> BacktestMetrics {
        syntheticMetrics(totalReturn: Double((try point.int("slow") - point.int("fast")) % 40) / 100)
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aStoppedRunResumesWithoutRepeatingFinishedPointsAndRanksAsAnUninterruptedOne() async throws {
        let uninterrupted = try await Self.optimiser(journal: nil).run { try Self.evaluate($0) }
        let path = temporaryJournalPath()

        // "Kill" the run at its 13th evaluation: that one and any others in flight then throw
        // CancellationError, so exactly the first 12 finish.
        let first = CallCounter()
        await #expect(throws: CancellationError.self) {
            try await Self.optimiser(journal: path).run { point in
                if await first.next() > 12 { throw CancellationError() }
                return try Self.evaluate(point)
            }
        }
        let journaled = try Self.lines(path).count - 1
        #expect(journaled == 12)

        let second = CallCounter()
        let resumed = try await Self.optimiser(journal: path).run { point in
            _ = await second.next()
            return try Self.evaluate(point)
        }
        #expect(await second.calls == 30 - journaled)
        #expect(resumed.resumed == journaled)
        #expect(resumed.warnings.isEmpty)
        #expect(resumed.ranking == uninterrupted.ranking)
        #expect(try Self.lines(path).count == 31)

        // Finished: a third run evaluates nothing.
        let third = CallCounter()
        let again = try await Self.optimiser(journal: path).run { point in
            _ = await third.next()
            return try Self.evaluate(point)
        }
        #expect(await third.calls == 0)
        #expect(again.ranking == uninterrupted.ranking)
    }

    @Test func aStoppedBayesianRunResumesWithTheJournalInItsHistory() async throws {
        let path = temporaryJournalPath()
        let space = try movingAverageSpace()
        let optimiser = try Optimiser(
            space: space, search: .bayesian(count: 30, seed: 3), objective: .totalReturn, parallelism: 3, journalPath: path,
            showsProgress: false)
        let first = CallCounter()
        await #expect(throws: CancellationError.self) {
            try await optimiser.run { point in
                if await first.next() > 12 { throw CancellationError() }
                return try Self.evaluate(point)
            }
        }
        let second = CallCounter()
        let resumed = try await optimiser.run { point in
            _ = await second.next()
            return try Self.evaluate(point)
        }
        #expect(await second.calls == 18)
        #expect(resumed.resumed == 12)
        #expect(resumed.ranking.count == 30)
        #expect(Set(resumed.ranking.map(\.point)).count == 30)
        #expect(try Self.lines(path).count == 31)
    }

    @Test func aJournalOfAnotherRunIsRefused() async throws {
        let path = temporaryJournalPath()
        _ = try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        let error = await #expect(throws: OptimisationJournalError.self) {
            try await Self.optimiser(journal: path, objective: .sharpe).run { try Self.evaluate($0) }
        }
        #expect(error == .headerMismatch(path: path, differences: ["objective 'total-return' in the journal, 'sharpe' in this run"]))
        #expect(error?.description.contains("use another journal path, or delete it to start over") == true)

        let other = temporaryJournalPath()
        try "hello\n".write(toFile: other, atomically: true, encoding: .utf8)
        await #expect(throws: OptimisationJournalError.notAJournal(path: other)) {
            try await Self.optimiser(journal: other).run { try Self.evaluate($0) }
        }
    }

    @Test func aLastLineCutOffMidWriteIsIgnoredWithAWarning() async throws {
        let path = temporaryJournalPath()
        _ = try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        // Cut the last evaluation's line in the middle, as a kill during its write would.
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.dropLast(20).write(to: URL(fileURLWithPath: path))

        let counter = CallCounter()
        let report = try await Self.optimiser(journal: path).run { point in
            _ = await counter.next()
            return try Self.evaluate(point)
        }
        #expect(await counter.calls == 1)
        #expect(report.ranking.count == 30)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.contains("line 31 is incomplete") == true)
        // The cut line is gone and the re-evaluated point written on a line of its own.
        let lines = try Self.lines(path)
        #expect(lines.count == 31)
        #expect(try lines.dropFirst().allSatisfy { try JSONDecoder().decode(OptimisationEvaluation.self, from: Data($0.utf8)).metrics != nil })
    }

    @Test func aHeaderCutOffMidWriteStartsAfreshButAnotherFileIsLeftAlone() async throws {
        let path = temporaryJournalPath()
        _ = try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        let header = try #require(try Self.lines(path).first)
        try String(header.prefix(25)).write(toFile: path, atomically: true, encoding: .utf8)
        let report = try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        #expect(report.resumed == 0)
        #expect(report.warnings.first?.contains("line 1 is incomplete") == true)
        #expect(try Self.lines(path).count == 31)
        #expect(try Self.lines(path).first == header)

        let other = temporaryJournalPath()
        try "notes without a newline".write(toFile: other, atomically: true, encoding: .utf8)
        await #expect(throws: OptimisationJournalError.notAJournal(path: other)) {
            try await Self.optimiser(journal: other).run { try Self.evaluate($0) }
        }
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "notes without a newline")
    }

    @Test func aDamagedLineBeforeTheLastIsAnError() async throws {
        let path = temporaryJournalPath()
        _ = try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        var lines = try Self.lines(path)
        lines[3] = "{\"point\":"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let error = await #expect(throws: OptimisationJournalError.self) {
            try await Self.optimiser(journal: path).run { try Self.evaluate($0) }
        }
        guard case .damaged(_, let line, _) = error else {
            Issue.record("expected a damaged journal, got \(String(describing: error))")
            return
        }
        #expect(line == 4)
    }
}
