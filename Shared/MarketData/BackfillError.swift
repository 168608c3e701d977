import Core

/// A backfill the venue could not complete: it returned no closed candle for these open times.
/// The candles it did return are stored before this is thrown.
public struct BackfillGapError: Error, Sendable, Hashable, CustomStringConvertible {
    public let symbol: Symbol
    public let timeframe: Timeframe
    /// Open times still missing, oldest first.
    public let missing: [Timestamp]

    public var description: String {
        let shown = missing.prefix(5).map(\.description).joined(separator: ", ")
        let more = missing.count > 5 ? " and \(missing.count - 5) more" : ""
        return "\(symbol) \(timeframe): the venue has no closed candle at \(shown)\(more)"
    }
}
