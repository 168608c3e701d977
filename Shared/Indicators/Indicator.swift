// Indicator math uses Double on purpose: indicators are statistics over prices, not money, and
// TA-Lib (the reference they are matched against) computes in double precision. Prices leave
// fixed-point only here; anything that becomes an order price is converted back and rounded.

/// An incremental indicator: one O(1) `update` per closed bar, bounded state, and the value
/// itself is the snapshot (encode it to save, decode it to restore and continue).
public protocol Indicator: Sendable, Hashable, Codable {
    associatedtype Input
    associatedtype Output
    /// Feeds the next bar and returns the indicator's value, nil until warm-up is complete.
    mutating func update(_ input: Input) -> Output?
}

extension Indicator {
    /// Runs a copy of this indicator over `inputs`, one output per input (nil during warm-up).
    public func values(over inputs: some Sequence<Input>) -> [Output?] {
        var indicator = self
        return inputs.map { indicator.update($0) }
    }
}
