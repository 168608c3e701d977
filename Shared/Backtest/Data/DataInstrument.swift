import Core
import ExchangeSimulator

/// The instrument a file's bars are traded as. The order step, minimums and leverage are the
/// known perpetual's of that name (`SimulatedInstrument.defaults`), else 10^-3 of a unit,
/// 1 unit, 5 USDT and 100x. The tick is the known perpetual's when every price lies on it (so a
/// backtest rounds stops as the venue does); otherwise, and for an unknown symbol, the finest
/// price decimal the file uses (its prices are then all on it). The quantity scale is the finer
/// of the file's volume decimals and the known perpetual's.
public enum DataInstrument {
    public static func derive(symbol: Symbol, candles: [Candle]) throws -> SimulatedInstrument {
        let known = SimulatedInstrument.defaults.first { $0.symbol == symbol }
        let (priceScale, tickUnits) = known.flatMap { onTick(of: $0, candles) } ?? (finestScale(candles), 1)
        let volumeScale = candles.reduce(UInt8(0)) { max($0, $1.volume.scale) }
        let stepScale = known?.qtyScale ?? 3
        let qtyScale = max(volumeScale, stepScale)
        let widen = Int64(powerOfTen(Int(qtyScale - stepScale)))
        let firstClose = candles.first.map { try? $0.close.value.rescaled(to: priceScale).units } ?? nil
        return try SimulatedInstrument(
            symbol: symbol.rawValue, baseCoin: known?.baseCoin ?? symbol.rawValue, priceScale: priceScale, tickUnits: tickUnits,
            qtyScale: qtyScale, qtyStepUnits: (known?.qtyStepUnits ?? 1) * widen, minOrderQtyUnits: (known?.minOrderQtyUnits ?? 1) * widen,
            maxOrderQtyUnits: Int64.max / 4, maxMarketOrderQtyUnits: Int64.max / 4, minNotional: known?.minNotional ?? 5,
            maxLeverage: known?.maxLeverage ?? 100, startPrice: max(1, (firstClose ?? 1) / Int64(powerOfTen(Int(priceScale)))))
    }

    private static func finestScale(_ candles: [Candle]) -> UInt8 {
        candles.reduce(UInt8(0)) { max($0, $1.open.scale, $1.high.scale, $1.low.scale, $1.close.scale) }
    }

    /// The known instrument's price scale and tick when every price is a whole number of its ticks.
    private static func onTick(of known: SimulatedInstrument, _ candles: [Candle]) -> (UInt8, Int64)? {
        for candle in candles {
            for price in [candle.open, candle.high, candle.low, candle.close] {
                guard let units = try? price.value.rescaled(to: known.priceScale).units, units % known.tickUnits == 0 else { return nil }
            }
        }
        return (known.priceScale, known.tickUnits)
    }
}
