import Core

/// Public trades read off the intra-minute price path: at each path step a trade prints when
/// the price moved (the taker bought an up-move, sold a down-move) and now and then when it did
/// not, at the step's time and price. A minute's trades add up to its bar's volume, as the
/// prints of a real tape add up to its candle: the bar's volume is shared out over them by
/// random weights (a print whose share rounds to nothing is not printed).
enum PathTrades {
    /// The chance that a step without a price move still prints a trade.
    static let quietTradeChance = 0.3

    static func trades(
        in series: MinuteSeries, seed: UInt64, after: Timestamp, through: Timestamp
    ) -> [SimulatedTrade] {
        guard after < through else { return [] }
        let first = max(series.minuteIndex(after), 0)
        let last = min(series.minuteIndex(through), Int64(series.bars.count) - 1)
        guard first <= last else { return [] }
        return (first...last).flatMap { minute in
            minuteTrades(in: series, seed: seed, minute: minute).filter { $0.time > after && $0.time <= through }
        }
    }

    /// Every trade of one minute, oldest first.
    static func minuteTrades(in series: MinuteSeries, seed: UInt64, minute: Int64) -> [SimulatedTrade] {
        let instrument = series.instrument
        let step = IntraMinutePath.stepMilliseconds
        let bar = series.bars[Int(minute)]
        let start = series.time(ofMinute: minute).milliseconds
        let prices = series.path(ofMinute: minute).prices
        var prints: [(number: Int64, price: Int64, side: Side, weight: Int64)] = []
        for offset in stride(from: Int64(0), to: 60_000, by: Int(step)) {
            let number = (start + offset) / step
            let index = IntraMinutePath.step(atOffset: offset)
            let price = prices[index]
            let previous = index > 0 ? prices[index - 1] : minute > 0 ? series.bars[Int(minute - 1)].close : price
            var generator = SplitMix64(seed: seed, instrument.symbol, 4, number)
            let side: Side
            if price > previous {
                side = .buy
            } else if price < previous {
                side = .sell
            } else {
                guard generator.chance(quietTradeChance) else { continue }
                side = generator.next() % 2 == 0 ? .buy : .sell
            }
            prints.append((number, price, side, generator.integer(in: 1...20)))
        }
        let totalWeight = prints.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return [] }
        // Shares in whole quantity units, the remainder one unit each to the first prints.
        let volume = Int128(bar.volume)
        var sizes = prints.map { Int64(volume * Int128($0.weight) / Int128(totalWeight)) }
        var left = bar.volume - sizes.reduce(0, +)
        for index in sizes.indices where left > 0 {
            sizes[index] += 1
            left -= 1
        }
        return zip(prints, sizes).compactMap { print, size in
            guard size > 0 else { return nil }
            return SimulatedTrade(
                id: "\(instrument.symbol.rawValue)-\(print.number)", time: Timestamp(milliseconds: print.number * step),
                priceTicks: print.price, sizeUnits: size, takerSide: print.side)
        }
    }
}
