import Core
import ExchangeSimulator

/// The instrument a file's bars are traded as. A file says nothing of tick sizes, so the tick
/// is the finest price decimal the file uses (its prices are then all on it) and the quantity
/// scale the finer of the file's volume decimals and the known perpetual's; the order step,
/// minimums and leverage are the known perpetual's of that name (`SimulatedInstrument.defaults`),
/// else 10^-3 of a unit, 1 unit, 5 USDT and 100x.
public enum DataInstrument {
    public static func derive(symbol: Symbol, candles: [Candle]) throws -> SimulatedInstrument {
        let priceScale = candles.reduce(UInt8(0)) { max($0, $1.open.scale, $1.high.scale, $1.low.scale, $1.close.scale) }
        let volumeScale = candles.reduce(UInt8(0)) { max($0, $1.volume.scale) }
        let known = SimulatedInstrument.defaults.first { $0.symbol == symbol }
        let stepScale = known?.qtyScale ?? 3
        let qtyScale = max(volumeScale, stepScale)
        let widen = Int64(powerOfTen(Int(qtyScale - stepScale)))
        let firstClose = candles.first.map { try? $0.close.value.rescaled(to: priceScale).units } ?? nil
        return try SimulatedInstrument(
            symbol: symbol.rawValue, baseCoin: known?.baseCoin ?? symbol.rawValue, priceScale: priceScale, tickUnits: 1,
            qtyScale: qtyScale, qtyStepUnits: (known?.qtyStepUnits ?? 1) * widen, minOrderQtyUnits: (known?.minOrderQtyUnits ?? 1) * widen,
            maxOrderQtyUnits: Int64.max / 4, maxMarketOrderQtyUnits: Int64.max / 4, minNotional: known?.minNotional ?? 5,
            maxLeverage: known?.maxLeverage ?? 100, startPrice: max(1, (firstClose ?? 1) / Int64(powerOfTen(Int(priceScale)))))
    }
}
