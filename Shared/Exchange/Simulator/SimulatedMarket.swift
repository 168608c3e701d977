import Core

/// One synthetic linear perpetual: Bybit-shaped rules, all quantities as integer units at
/// their scale (prices in ticks of `tickUnits` at `priceScale`).
public struct SimulatedInstrument: Sendable, Hashable {
    public let symbol: Symbol
    public let baseCoin: String
    public let priceScale: UInt8
    /// Tick size in units of 10^-priceScale.
    public let tickUnits: Int64
    public let qtyScale: UInt8
    public let qtyStepUnits: Int64
    public let minOrderQtyUnits: Int64
    public let maxOrderQtyUnits: Int64
    public let maxMarketOrderQtyUnits: Int64
    public let minNotional: Int64
    public let maxLeverage: Int64
    /// Starting price in ticks.
    public let startTicks: Int64

    public init(
        symbol: String, baseCoin: String, priceScale: UInt8, tickUnits: Int64, qtyScale: UInt8,
        qtyStepUnits: Int64, minOrderQtyUnits: Int64, maxOrderQtyUnits: Int64, maxMarketOrderQtyUnits: Int64,
        minNotional: Int64, maxLeverage: Int64, startPrice: Int64
    ) throws {
        self.symbol = try Symbol(symbol)
        self.baseCoin = baseCoin
        self.priceScale = priceScale
        self.tickUnits = tickUnits
        self.qtyScale = qtyScale
        self.qtyStepUnits = qtyStepUnits
        self.minOrderQtyUnits = minOrderQtyUnits
        self.maxOrderQtyUnits = maxOrderQtyUnits
        self.maxMarketOrderQtyUnits = maxMarketOrderQtyUnits
        self.minNotional = minNotional
        self.maxLeverage = maxLeverage
        var scaleFactor: Int64 = 1
        for _ in 0..<priceScale { scaleFactor *= 10 }
        self.startTicks = startPrice * scaleFactor / tickUnits
    }

    /// A price of `ticks` ticks, formatted with `priceScale` decimals.
    public func price(ticks: Int64) -> String { decimal(ticks * tickUnits, scale: priceScale) }
    public func quantity(units: Int64) -> String { decimal(units, scale: qtyScale) }

    /// A dozen linear USDT perps shaped like Bybit's (tick, step, minimums, leverage).
    public static let defaults: [SimulatedInstrument] = {
        let specs: [(String, String, UInt8, Int64, UInt8, Int64, Int64, Int64, Int64, Int64, Int64)] = [
            // symbol, base, priceScale, tickUnits, qtyScale, step, minQty, maxQty, maxMkt, maxLev, startPrice
            ("BTCUSDT", "BTC", 2, 10, 3, 1, 1, 1_190_000, 119_000, 100, 60_000),
            ("ETHUSDT", "ETH", 2, 1, 2, 1, 1, 724_000, 50_000, 100, 3_000),
            ("SOLUSDT", "SOL", 3, 10, 1, 1, 1, 790_000, 50_000, 100, 150),
            ("XRPUSDT", "XRP", 4, 1, 0, 1, 1, 1_430_000, 500_000, 75, 1),
            ("DOGEUSDT", "DOGE", 5, 1, 0, 1, 1, 46_000_000, 9_200_000, 75, 1),
            ("ADAUSDT", "ADA", 4, 1, 0, 1, 1, 1_430_000, 500_000, 75, 1),
            ("AVAXUSDT", "AVAX", 3, 1, 1, 1, 1, 1_430_000, 100_000, 50, 30),
            ("LINKUSDT", "LINK", 3, 1, 1, 1, 1, 2_000_000, 100_000, 50, 15),
            ("LTCUSDT", "LTC", 2, 1, 1, 1, 1, 700_000, 70_000, 50, 80),
            ("DOTUSDT", "DOT", 3, 1, 1, 1, 1, 2_000_000, 100_000, 50, 6),
            ("BNBUSDT", "BNB", 2, 10, 2, 1, 1, 200_000, 20_000, 50, 600),
            ("TRXUSDT", "TRX", 5, 1, 0, 1, 1, 10_000_000, 2_000_000, 50, 1),
        ]
        return specs.map { spec in
            // Force-try is safe: the symbols above are valid literals.
            try! SimulatedInstrument(
                symbol: spec.0, baseCoin: spec.1, priceScale: spec.2, tickUnits: spec.3, qtyScale: spec.4,
                qtyStepUnits: spec.5, minOrderQtyUnits: spec.6, maxOrderQtyUnits: spec.7,
                maxMarketOrderQtyUnits: spec.8, minNotional: 5, maxLeverage: spec.9, startPrice: spec.10)
        }
    }()
}

/// `units × 10^-scale` as a plain decimal string with exactly `scale` decimals.
func decimal(_ units: Int64, scale: UInt8) -> String {
    let negative = units < 0
    let magnitude = units.magnitude
    var digits = String(magnitude)
    let scale = Int(scale)
    if scale == 0 { return (negative ? "-" : "") + digits }
    if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
    let split = digits.index(digits.endIndex, offsetBy: -scale)
    return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
}
