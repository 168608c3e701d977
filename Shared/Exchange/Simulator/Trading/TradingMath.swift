import Core

// The engine's integer units: quantities are units at the instrument's `qtyScale`, prices are
// ticks, a notional is quantity units × price units (scale `qtyScale + priceScale`), and USDT
// amounts are units of 10^-8.

public enum USDT {
    public static let scale: UInt8 = 8

    static func string(_ units: Int64) -> String { decimal(units, scale: scale) }

    /// `value` as USDT units; nil if it has more than 8 decimals or does not fit.
    static func units(_ value: FixedPoint) -> Int64? {
        (try? value.rescaled(to: scale))?.units
    }
}

/// 10^exponent.
public func powerOfTen(_ exponent: Int) -> Int128 {
    var result: Int128 = 1
    for _ in 0..<exponent { result *= 10 }
    return result
}

/// `numerator / denominator` rounded to the nearest integer, ties away from zero.
public func dividedRounded(_ numerator: Int128, by denominator: Int128) -> Int128 {
    let quotient = numerator / denominator
    let remainder = numerator % denominator
    guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
    return (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient + 1
}

/// `amount × rate` in the same units, rounded to nearest (`rate` is a fraction such as 0.00055).
public func applying(_ rate: FixedPoint, to amount: Int64) -> Int64 {
    Int64(dividedRounded(Int128(amount) * Int128(rate.units), by: powerOfTen(Int(rate.scale))))
}

extension SimulatedInstrument {
    /// `qty × price` at scale `qtyScale + priceScale`.
    public func notional(qty: Int64, ticks: Int64) -> Int128 {
        Int128(qty) * Int128(ticks) * Int128(tickUnits)
    }

    /// A notional as USDT units, rounded to nearest.
    public func usdt(notional: Int128) -> Int64 {
        let scale = Int(qtyScale) + Int(priceScale)
        let target = Int(USDT.scale)
        if scale <= target { return Int64(notional * powerOfTen(target - scale)) }
        return Int64(dividedRounded(notional, by: powerOfTen(scale - target)))
    }

    /// `qty × price` in USDT units.
    public func value(qty: Int64, ticks: Int64) -> Int64 { usdt(notional: notional(qty: qty, ticks: ticks)) }

    /// The price `notional / qty` with four decimals more than the instrument shows, as Bybit
    /// shows average prices more precisely than the tick.
    public func averagePrice(notional: Int128, qty: Int64) -> String {
        guard qty != 0 else { return "0" }
        let extra = 4
        let units = dividedRounded(notional * powerOfTen(extra), by: Int128(qty))
        return decimal(Int64(units), scale: priceScale + UInt8(extra))
    }

    /// The tick nearest to `notional / qty`.
    public func ticks(notional: Int128, qty: Int64) -> Int64 {
        guard qty != 0 else { return 0 }
        return Int64(dividedRounded(notional, by: Int128(qty) * Int128(tickUnits)))
    }

    /// `text` as a whole number of ticks; nil if it is not on a tick or not a decimal.
    func parseTicks(_ text: String) -> Int64? {
        guard let value = try? FixedPoint(parsing: text), let units = try? value.rescaled(to: priceScale),
              units.units % tickUnits == 0 else { return nil }
        return units.units / tickUnits
    }

    /// `text` as quantity units; nil if it has more decimals than `qtyScale` or is not a decimal.
    func parseQuantity(_ text: String) -> Int64? {
        guard let value = try? FixedPoint(parsing: text) else { return nil }
        return (try? value.rescaled(to: qtyScale))?.units
    }

    /// The highest price the simulator accepts, in ticks (the instruments-info `maxPrice`).
    var maxPriceTicks: Int64 { startTicks * 100 }
}
