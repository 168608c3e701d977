import Core

/// An OHLCV file put onto one instrument's ticks and quantity units, ready to replay: prices
/// rounded to the nearest tick (half up) in integer arithmetic, volume to the quantity scale.
public struct ReplayTape: Sendable {
    struct Bar: Sendable {
        /// Minutes after the file's first bar.
        let minuteOffset: Int64
        let bar: MinuteBar
    }

    public let symbol: Symbol
    let bars: [Bar]
    let barMinutes: Int64
    /// The time of the file's first bar, before the replay moves it onto the simulator's clock.
    public let firstBarTime: Timestamp

    public init(file: OHLCVFile, instrument: SimulatedInstrument) throws(OHLCVFileError) {
        symbol = instrument.symbol
        barMinutes = file.barMilliseconds / 60_000
        firstBarTime = file.bars.first?.openTime ?? .epoch
        var bars: [Bar] = []
        bars.reserveCapacity(file.bars.count)
        for row in file.bars {
            func ticks(_ value: FixedPoint, _ column: String) throws(OHLCVFileError) -> Int64 {
                guard let ticks = Self.rounded(value, scale: instrument.priceScale, increment: instrument.tickUnits), ticks > 0 else {
                    throw OHLCVFileError(line: row.line, text: "\(value)", .priceOutOfRange(column: column))
                }
                return ticks
            }
            guard let volume = Self.rounded(row.volume, scale: instrument.qtyScale, increment: 1) else {
                throw OHLCVFileError(line: row.line, text: "\(row.volume)", .badNumber(column: "volume", detail: "out of range"))
            }
            let bar = MinuteBar(
                open: try ticks(row.open, "open"), high: try ticks(row.high, "high"), low: try ticks(row.low, "low"),
                close: try ticks(row.close, "close"), volume: volume)
            bars.append(Bar(minuteOffset: (row.openTime.milliseconds - firstBarTime.milliseconds) / 60_000, bar: bar))
        }
        self.bars = bars
    }

    /// How many bars the file holds.
    public var barCount: Int { bars.count }

    /// Minutes from the first bar's open to the last bar's close.
    var minutes: Int64 { (bars.last?.minuteOffset ?? 0) + barMinutes }

    /// `value` in multiples of `increment` × 10^-scale, rounded half up; nil when out of range.
    static func rounded(_ value: FixedPoint, scale: UInt8, increment: Int64) -> Int64? {
        var numerator = Int128(value.units)
        var denominator = Int128(increment)
        if scale >= value.scale {
            for _ in 0..<(scale - value.scale) { numerator *= 10 }
        } else {
            for _ in 0..<(value.scale - scale) { denominator *= 10 }
        }
        let magnitude = (numerator.magnitude + denominator.magnitude / 2) / denominator.magnitude
        let result = numerator < 0 ? -Int128(magnitude) : Int128(magnitude)
        return Int64(exactly: result)
    }
}
