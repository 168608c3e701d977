import Core

/// Where a symbol's one-minute bars come from, in order: the replay tape's bars (each split into
/// minutes, gaps filled with flat minutes at the last close), then, once the tape runs out or
/// when there is none, the synthetic process continuing from the last close.
struct MinuteBarSource: Sendable {
    private let instrument: SimulatedInstrument
    private let seed: UInt64
    private let tape: ReplayTape?
    private var emitted: Int64 = 0
    private var nextTapeBar = 0
    private var pending: ArraySlice<MinuteBar> = []
    private var lastClose: Int64
    private var synthetic: SyntheticPriceProcess?

    init(instrument: SimulatedInstrument, seed: UInt64, tape: ReplayTape?) {
        self.instrument = instrument
        self.seed = seed
        self.tape = tape
        lastClose = tape?.bars.first?.bar.open ?? instrument.startTicks
    }

    mutating func next() -> MinuteBar {
        defer { emitted += 1 }
        if let tape, emitted < tape.minutes {
            if pending.isEmpty, nextTapeBar < tape.bars.count, tape.bars[nextTapeBar].minuteOffset == emitted {
                let generator = SplitMix64(seed: seed, instrument.symbol, 1, Int64(nextTapeBar))
                pending = BarExpansion.minutes(of: tape.bars[nextTapeBar].bar, count: Int(tape.barMinutes), generator: generator)[...]
                nextTapeBar += 1
            }
            let bar = pending.popFirst() ?? MinuteBar(open: lastClose, high: lastClose, low: lastClose, close: lastClose, volume: 0)
            lastClose = bar.close
            return bar
        }
        var process = synthetic ?? SyntheticPriceProcess(instrument: instrument, startTicks: lastClose, seed: seed)
        let minute = process.next()
        synthetic = process
        return minute.bar
    }
}
