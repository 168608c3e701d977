import Foundation

/// Shows a `ProgressMeter`'s line while an optimisation runs. On a terminal it redraws the
/// line in place; otherwise (a log file, CI) it prints a line at each further 5% of the total
/// so the log stays short, and the last state when the run ends between two.
public final class ProgressDisplay {
    private static let printedSteps = 20

    private let meter: ProgressMeter
    private let isTerminal: Bool
    private let write: (String) -> Void
    private var printedStep = 0
    /// Not on a terminal: the newest line, when not printed yet.
    private var pending: String?
    /// On a terminal: whether a line is drawn (and needs a newline at the end).
    private var drawn = false

    public init(meter: ProgressMeter, isTerminal: Bool, write: @escaping (String) -> Void) {
        self.meter = meter
        self.isTerminal = isTerminal
        self.write = write
    }

    /// A display on standard error, redrawing when standard error is a terminal.
    public static func standardError(_ meter: ProgressMeter) -> ProgressDisplay {
        ProgressDisplay(meter: meter, isTerminal: isatty(STDERR_FILENO) != 0, write: writeToStandardError)
    }

    /// Writes `text` to standard error, unbuffered.
    static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public func update(done: Int, elapsed: Double, best: Double?) {
        let line = meter.line(done: done, elapsed: elapsed, best: best)
        if isTerminal {
            // Carriage return, the line, and erase what a longer previous line left.
            write("\r\(line)\u{1B}[K")
            drawn = true
            return
        }
        let step = meter.total > 0 ? min(done, meter.total) * Self.printedSteps / meter.total : Self.printedSteps
        if step > printedStep {
            printedStep = step
            write(line + "\n")
            pending = nil
        } else {
            pending = line
        }
    }

    /// Ends the display: a newline after a terminal's line, or the last unprinted line.
    public func finish() {
        if isTerminal {
            if drawn { write("\n") }
        } else if let pending {
            write(pending + "\n")
        }
        pending = nil
        drawn = false
    }
}
