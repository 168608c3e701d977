import Foundation

/// The text of an optimisation's progress line, e.g.
/// `[##########----------]  50/100  50%  elapsed 0:12  ETA 0:12  best sharpe 1.234`.
/// The ETA is the remaining evaluations times this run's mean wall time per finished
/// evaluation (so it accounts for parallelism); evaluations resumed from a journal are not
/// part of that mean. `ETA --` until this run has finished one.
public struct ProgressMeter: Sendable, Hashable {
    public static let barWidth = 20

    public let total: Int
    /// Evaluations finished before this run (from a journal).
    public let resumed: Int
    /// The objective's name, shown with the best score.
    public let objective: String

    public init(total: Int, resumed: Int = 0, objective: String) {
        self.total = total
        self.resumed = resumed
        self.objective = objective
    }

    /// `done` includes the resumed evaluations; `elapsed` is this run's, in seconds.
    public func line(done: Int, elapsed: Double, best: Double?) -> String {
        let filled = total > 0 ? min(done, total) * Self.barWidth / total : Self.barWidth
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.barWidth - filled)
        let percent = total > 0 ? min(done, total) * 100 / total : 100
        let finishedHere = done - resumed
        let eta = finishedHere > 0 ? Self.clock(elapsed / Double(finishedHere) * Double(max(total - done, 0))) : "--"
        let bestText = best.map { String(format: "%.3f", $0) } ?? "--"
        return "[\(bar)]  \(done)/\(total)  \(percent)%  elapsed \(Self.clock(elapsed))  ETA \(eta)  best \(objective) \(bestText)"
    }

    /// `m:ss`, or `h:mm:ss` from an hour, rounded to the second.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let tail = String(format: "%02d", rest)
        return hours > 0 ? "\(hours):\(String(format: "%02d", minutes)):\(tail)" : "\(minutes):\(tail)"
    }
}
