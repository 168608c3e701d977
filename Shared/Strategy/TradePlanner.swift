import Config
import Core
import Indicators

/// Where a trade's stop, take-profit ladder and trailing rule go, from the entry price and ATR.
///
/// Stop: entry ∓ ATR·`stop.atr_multiplier`. With support/resistance on, levels lying beyond that
/// stop but within `proximity_atr` ATRs of it push the stop past the farthest of them by
/// `buffer_atr` ATRs, so it does not sit just in front of a level where stops get run. Ladder:
/// TP1 at `first_target_atr` ATRs closes `first_fraction`; a final target (if set) closes the
/// rest. Trailing starts after TP1. Stops round to the tick away from the entry, targets toward
/// it; a plan whose rounded levels collapse onto the entry (ATR under a tick) is no plan.
struct TradePlanner: Sendable, Hashable {
    let settings: StrategySettings
    let tickSize: Price

    struct Plan: Equatable {
        var stop: Price
        var takeProfits: [TakeProfitTarget]
        var trailing: TrailingRule?
        var breakEvenAfterTarget: Int
        /// The level the stop was moved beyond, if any.
        var stopLevel: Double?
    }

    func plan(side: Side, entry: Price, atr: Double, levels: [PriceLevel]) -> Plan? {
        let direction = side == .buy ? 1.0 : -1.0
        let mode: RoundingMode = side == .buy ? .down : .up
        let entryValue = entry.doubleValue
        var stopDistance = atr * settings.stop.atrMultiplier
        var stopLevel: Double?
        let sr = settings.stop.supportResistance
        if sr.enabled {
            let atrStop = entryValue - direction * stopDistance
            let band = sr.proximityATR * atr
            // Levels beyond the ATR stop (on the far side from the entry) but within the band.
            let beyond = levels.map(\.price).filter { level in
                let past = direction * (atrStop - level)
                return past >= 0 && past <= band
            }
            if let farthest = side == .buy ? beyond.min() : beyond.max() {
                stopLevel = farthest
                stopDistance = direction * (entryValue - farthest) + sr.bufferATR * atr
            }
        }
        let take = settings.takeProfit
        guard let stop = entry.offset(by: -direction * stopDistance, tick: tickSize, mode: mode),
              let first = entry.offset(by: direction * atr * take.firstTargetATR, tick: tickSize, mode: mode),
              stop.isPositive, first.isPositive, stop != entry, first != entry
        else { return nil }
        var targets: [TakeProfitTarget]
        do {
            targets = [try TakeProfitTarget(price: first, fraction: take.firstFraction)]
            if let finalATR = take.finalTargetATR {
                guard let final = entry.offset(by: direction * atr * finalATR, tick: tickSize, mode: mode), final != first
                else { return nil }
                targets.append(try TakeProfitTarget(price: final, fraction: try FixedPoint(integer: 1).subtracting(take.firstFraction)))
            }
        } catch {
            return nil
        }
        return Plan(
            stop: stop, takeProfits: targets, trailing: trailingRule(atr: atr),
            breakEvenAfterTarget: take.breakEven ? 1 : 0, stopLevel: stopLevel)
    }

    /// The trailing rule after TP1: an ATR multiple (rounded up to a whole tick, at least one)
    /// or a percent of price.
    private func trailingRule(atr: Double) -> TrailingRule? {
        let trailing = settings.takeProfit.trailing
        guard trailing.enabled else { return nil }
        switch trailing.mode {
        case .atr:
            guard let distance = Price.zero.offset(by: atr * trailing.atrMultiplier, tick: tickSize, mode: .up) else { return nil }
            return try? TrailingRule(offset: .distance(max(distance, tickSize)), afterTarget: 1)
        case .percent:
            let percent = trailing.percent
            guard let fraction = try? FixedPoint(units: percent.units, scale: percent.scale + 2) else { return nil }
            return try? TrailingRule(offset: .fraction(fraction), afterTarget: 1)
        }
    }
}
