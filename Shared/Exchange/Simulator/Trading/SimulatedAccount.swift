import Core

/// One account of the simulated exchange, reached through its API key.
public struct SimulatedAccount: Sendable, Hashable {
    public let apiKey: String
    public let secret: Secret
    /// Bybit's UID: per-UID rate limits count per this, and `query-api` reports it.
    public let uid: Int64
    /// USDT in the wallet at start.
    public let startingBalance: FixedPoint
    /// A read-only key may query but not trade (10005).
    public let readOnly: Bool

    public init(apiKey: String, secret: Secret, uid: Int64, startingBalance: FixedPoint, readOnly: Bool = false) {
        self.apiKey = apiKey
        self.secret = secret
        self.uid = uid
        self.startingBalance = startingBalance
        self.readOnly = readOnly
    }

    /// The default account: key `keel-sim-key`, secret `keel-sim-secret`, 100,000 USDT.
    public static let standard = SimulatedAccount(
        apiKey: "keel-sim-key", secret: Secret("keel-sim-secret"), uid: 100_001,
        startingBalance: FixedPoint(integer: 100_000))
}

/// Fee and margin rates of the matching engine (fractions: 0.00055 is 0.055 %).
public struct TradingParameters: Sendable, Hashable {
    public var makerFeeRate: FixedPoint
    public var takerFeeRate: FixedPoint
    /// Maintenance margin as a fraction of position value; sets the liquidation price.
    public var maintenanceMarginRate: FixedPoint
    /// Leverage of a symbol the account never set.
    public var defaultLeverage: Int64
    /// Book levels a market order may walk before its remainder is cancelled.
    public var bookDepth: Int

    public init(
        makerFeeRate: FixedPoint = FixedPoint.rate("0.0002"),
        takerFeeRate: FixedPoint = FixedPoint.rate("0.00055"),
        maintenanceMarginRate: FixedPoint = FixedPoint.rate("0.005"),
        defaultLeverage: Int64 = 10,
        bookDepth: Int = 200
    ) {
        self.makerFeeRate = makerFeeRate
        self.takerFeeRate = takerFeeRate
        self.maintenanceMarginRate = maintenanceMarginRate
        self.defaultLeverage = defaultLeverage
        self.bookDepth = bookDepth
    }
}

extension FixedPoint {
    /// A rate written as a literal in this module's defaults.
    @usableFromInline
    static func rate(_ literal: String) -> FixedPoint {
        // Force-try is safe: only called with the decimal literals above.
        try! FixedPoint(parsing: literal)
    }
}
