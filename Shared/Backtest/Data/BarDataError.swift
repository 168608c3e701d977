/// Why bars could not be loaded for a backtest.
public enum BarDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing to test on: no valid bar in the source (or the requested window).
    case noBars(source: String)
    /// Issues that no requested repair covers; every issue found is listed, repaired or not.
    case refused(source: String, issues: [BarIssue])

    public var description: String {
        switch self {
        case .noBars(let source):
            return "\(source): no bars"
        case .refused(let source, let issues):
            let open = issues.filter { !$0.repaired }.count
            let listed = issues.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            let more = issues.count > 20 ? "\n  … and \(issues.count - 20) more" : ""
            return "\(source): refused, \(open) of \(issues.count) issue(s) not repaired:\n\(listed)\(more)"
        }
    }
}
