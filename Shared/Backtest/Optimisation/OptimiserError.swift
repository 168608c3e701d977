/// An optimiser set up in a way it cannot run.
public enum OptimiserError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidSearch(String)
    case invalidParallelism(Int)

    public var description: String {
        switch self {
        case .invalidSearch(let reason): return "invalid search: \(reason)"
        case .invalidParallelism(let parallelism): return "parallelism \(parallelism) is below 1"
        }
    }
}
