/// A funding settlement on a position: `paid` > 0 left the account, < 0 came in.
/// Validated: the id is non-empty.
public struct FundingPayment: Sendable, Hashable, Codable {
    /// The venue's execution id of the settlement; dedupe on it.
    public let id: String
    public let symbol: Symbol
    public let paid: Money
    public let time: Timestamp

    public init(id: String, symbol: Symbol, paid: Money, time: Timestamp) throws {
        try RecordValidationError.check(!id.isEmpty, "FundingPayment", "id", "id is empty")
        self.id = id
        self.symbol = symbol
        self.paid = paid
        self.time = time
    }
}
