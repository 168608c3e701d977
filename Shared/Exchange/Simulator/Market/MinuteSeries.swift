import Core

/// One minute of a symbol's market, prices in ticks, volume in quantity units.
public struct MinuteBar: Sendable, Hashable {
    public var open: Int64
    public var high: Int64
    public var low: Int64
    public var close: Int64
    public var volume: Int64
}

/// A symbol's one-minute bars from `genesis`, extended on demand as time passes, and the price
/// path inside each minute. Deterministic: the same seed, tape and genesis give the same market.
///
/// `bars` holds whole minutes, the current one included (its high, low and close are where the
/// minute will end); `bar(at:)` and `price(at:)` give what the market shows at a given time.
struct MinuteSeries: Sendable {
    let instrument: SimulatedInstrument
    let genesis: Timestamp
    private(set) var bars: [MinuteBar] = []
    private var source: MinuteBarSource
    private let seed: UInt64

    init(instrument: SimulatedInstrument, genesis: Timestamp, seed: UInt64, tape: ReplayTape? = nil) {
        self.instrument = instrument
        self.genesis = genesis
        self.seed = seed
        source = MinuteBarSource(instrument: instrument, seed: seed, tape: tape)
    }

    /// Generates bars up to and including the minute containing `time`.
    mutating func extend(through time: Timestamp) {
        let target = minuteIndex(time)
        while Int64(bars.count) <= target { bars.append(source.next()) }
    }

    func minuteIndex(_ time: Timestamp) -> Int64 { (time.milliseconds - genesis.milliseconds) / 60_000 }
    func time(ofMinute index: Int64) -> Timestamp { genesis.adding(milliseconds: index * 60_000) }
    /// The close of the newest generated minute (the current one's close-to-be).
    var lastClose: Int64 { bars.last?.close ?? instrument.startTicks }

    /// The price path through minute `index` (which must be generated).
    func path(ofMinute index: Int64) -> IntraMinutePath {
        let absoluteMinute = time(ofMinute: index).milliseconds / 60_000
        return IntraMinutePath(bar: bars[Int(index)], generator: SplitMix64(seed: seed, instrument.symbol, 2, absoluteMinute))
    }

    /// The last price at `time`: on the path of its minute (extended through `time`).
    func price(at time: Timestamp) -> Int64 {
        let index = minuteIndex(time)
        guard index >= 0, index < Int64(bars.count) else { return bars.first?.open ?? instrument.startTicks }
        let offset = time.milliseconds - self.time(ofMinute: index).milliseconds
        return path(ofMinute: index).prices[IntraMinutePath.step(atOffset: offset)]
    }

    /// Minute `index` as it stands at `time`: whole once the minute is over, otherwise open to
    /// the path's price at `time`, with the high, low and volume so far.
    func bar(_ index: Int64, at time: Timestamp) -> MinuteBar {
        let bar = bars[Int(index)]
        let offset = time.milliseconds - self.time(ofMinute: index).milliseconds
        guard offset < 60_000 else { return bar }
        let step = IntraMinutePath.step(atOffset: offset)
        let sofar = path(ofMinute: index).prices[...step]
        return MinuteBar(
            open: bar.open, high: sofar.max() ?? bar.open, low: sofar.min() ?? bar.open, close: sofar.last ?? bar.open,
            volume: bar.volume * Int64(step + 1) / Int64(IntraMinutePath.steps))
    }
}
