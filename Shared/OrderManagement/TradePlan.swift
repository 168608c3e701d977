import Core

/// What an unfilled limit entry does when its time is up.
public enum EntryTimeoutAction: String, Sendable, Hashable, Codable {
    /// Cancel it; what filled stays the position.
    case cancel
    /// Cancel it and take the rest at the market.
    case market
}

/// How an entry is placed.
public enum EntryPlan: Sendable, Hashable, Codable {
    case market
    /// A limit order (post-only: never takes liquidity), given `timeoutMs` to fill.
    case limit(price: Price, postOnly: Bool, timeoutMs: Int64, onTimeout: EntryTimeoutAction)
}

/// One step of the take-profit ladder: a reduce-only limit order closing `quantity` at `price`.
public struct LadderStep: Sendable, Hashable, Codable {
    public let price: Price
    public let quantity: Quantity

    public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}

/// Where trailing runs: on the venue (Bybit's `trailingStop` on the position) or, for a venue
/// without it, in Keel, which moves the position's stop-loss after the price.
public enum TrailingVenue: String, Sendable, Hashable, Codable {
    case exchange
    case client
}

/// A trailing stop once it starts: `offset` behind the best price, from when `afterTarget`
/// ladder steps have filled (0: from the entry).
public struct TrailingPlan: Sendable, Hashable, Codable {
    public let offset: TrailingRule.Offset
    public let afterTarget: Int
    public let venue: TrailingVenue

    public init(offset: TrailingRule.Offset, afterTarget: Int, venue: TrailingVenue) {
        self.offset = offset
        self.afterTarget = afterTarget
        self.venue = venue
    }
}

/// Everything execution does for one approved entry, fixed when it is approved: how it enters,
/// the stop and the ladder, when the stop goes to break-even, trailing, and when it gives up.
public struct TradePlan: Sendable, Hashable, Codable {
    public let intentID: String
    public let symbol: Symbol
    /// The position's side.
    public let side: Side
    public let quantity: Quantity
    public let entry: EntryPlan
    public let stopLoss: Price
    /// A target that closes the whole position rides on it as its exchange-side take-profit;
    /// sized steps (two or more, or one closing only part, the rest trailing) are this ladder
    /// of reduce-only limits, nearest first.
    public let ladder: [LadderStep]
    /// 0: never; n: the stop moves to the entry price once the n-th step has filled.
    public let breakEvenAfterStep: Int
    public let trailing: TrailingPlan?
    /// An entry not filled by then is cancelled (the intent's expiry).
    public let expiresAt: Timestamp?
    /// A position held this long is closed at the market (nil: no time exit).
    public let maxHoldingMs: Int64?
    /// The instrument's price tick and quantity step, for stops and partial-entry ladders.
    public let priceTick: Price
    public let quantityStep: Quantity

    public init(
        intentID: String, symbol: Symbol, side: Side, quantity: Quantity, entry: EntryPlan, stopLoss: Price,
        ladder: [LadderStep], breakEvenAfterStep: Int, trailing: TrailingPlan?, expiresAt: Timestamp?,
        maxHoldingMs: Int64?, priceTick: Price, quantityStep: Quantity
    ) {
        self.intentID = intentID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.entry = entry
        self.stopLoss = stopLoss
        self.ladder = ladder
        self.breakEvenAfterStep = breakEvenAfterStep
        self.trailing = trailing
        self.expiresAt = expiresAt
        self.maxHoldingMs = maxHoldingMs
        self.priceTick = priceTick
        self.quantityStep = quantityStep
    }

    // MARK: The trade's orders, each with a client order id derived from the intent

    /// The entry order's id (see `StableID.clientOrderID`).
    public var entryID: String { Self.orderID(intentID, "entry") }
    /// The market order that takes the rest of a timed-out limit entry.
    public var entryAtMarketID: String { Self.orderID(intentID, "entry-market") }
    /// Ladder step `index` (from 0).
    public func stepID(_ index: Int) -> String { Self.orderID(intentID, "tp\(index + 1)") }
    /// The market order of the time exit.
    public var timeExitID: String { Self.orderID(intentID, "time-exit") }

    /// The entry keeps the id derived from the intent alone, as every approved order has.
    static func orderID(_ intentID: String, _ role: String) -> String {
        let parts = role == "entry" ? [intentID] : [intentID, role]
        // Cannot throw: the default prefix is valid.
        return try! StableID.clientOrderID(parts: parts)
    }
}
