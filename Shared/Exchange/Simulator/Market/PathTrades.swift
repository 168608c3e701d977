import Core

/// Public trades read off the intra-minute price path: at each path step a trade prints when
/// the price moved (the taker bought an up-move, sold a down-move) and now and then when it did
/// not, at the step's time and price.
enum PathTrades {
    /// The chance that a step without a price move still prints a trade.
    static let quietTradeChance = 0.3

    static func trades(
        in series: MinuteSeries, seed: UInt64, after: Timestamp, through: Timestamp
    ) -> [SimulatedTrade] {
        let instrument = series.instrument
        let step = IntraMinutePath.stepMilliseconds
        var number = after.milliseconds / step + 1
        var trades: [SimulatedTrade] = []
        var path: (minute: Int64, prices: [Int64])?
        while number * step <= through.milliseconds {
            let time = Timestamp(milliseconds: number * step)
            defer { number += 1 }
            let minute = series.minuteIndex(time)
            guard minute >= 0, minute < Int64(series.bars.count) else { continue }
            if path?.minute != minute { path = (minute, series.path(ofMinute: minute).prices) }
            guard let prices = path?.prices else { continue }
            let index = IntraMinutePath.step(atOffset: time.milliseconds - series.time(ofMinute: minute).milliseconds)
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
            let lot = instrument.units(worth: 500, atTicks: price)
            trades.append(SimulatedTrade(
                id: "\(instrument.symbol.rawValue)-\(number)", time: time, priceTicks: price,
                sizeUnits: lot * generator.integer(in: 1...20), takerSide: side))
        }
        return trades
    }
}
