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

/// SplitMix64: a small, fast, seedable generator, so a seed always gives the same market.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One minute of a synthetic series, prices in ticks, volume in qty units.
struct MinuteBar: Sendable {
    var open: Int64
    var high: Int64
    var low: Int64
    var close: Int64
    var volume: Int64
}

/// A per-symbol random walk of one-minute bars from `genesis`, extended on demand as time
/// passes. Deterministic: the same seed and instrument give the same bars.
struct MinuteSeries: Sendable {
    let instrument: SimulatedInstrument
    let genesis: Timestamp
    private(set) var bars: [MinuteBar] = []
    private var generator: SplitMix64
    private var last: Int64

    init(instrument: SimulatedInstrument, genesis: Timestamp, seed: UInt64) {
        self.instrument = instrument
        self.genesis = genesis
        var hash: UInt64 = seed
        for byte in instrument.symbol.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        generator = SplitMix64(seed: hash)
        last = instrument.startTicks
    }

    /// Uniform in [-1, 1].
    private mutating func unit() -> Double {
        Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1
    }

    /// One tick move of about `0.05 %` of the price per sub-step, never below one tick.
    private mutating func step(from price: Int64) -> Int64 {
        let scale = max(1, Double(price) * 0.0005)
        let move = Int64((unit() * scale).rounded())
        return max(1, price + move)
    }

    /// Generates bars up to and including the minute containing `time`.
    mutating func extend(through time: Timestamp) {
        let target = (time.milliseconds - genesis.milliseconds) / 60_000
        while Int64(bars.count) <= target {
            let open = last
            var high = open
            var low = open
            var price = open
            for _ in 0..<4 {
                price = step(from: price)
                high = max(high, price)
                low = min(low, price)
            }
            let volume = instrument.minOrderQtyUnits * (1 + Int64(generator.next() % 500))
            bars.append(MinuteBar(open: open, high: high, low: low, close: price, volume: volume))
            last = price
        }
    }

    func minuteIndex(_ time: Timestamp) -> Int64 { (time.milliseconds - genesis.milliseconds) / 60_000 }
    func time(ofMinute index: Int64) -> Timestamp { genesis.adding(milliseconds: index * 60_000) }
    var lastClose: Int64 { bars.last?.close ?? instrument.startTicks }
}
