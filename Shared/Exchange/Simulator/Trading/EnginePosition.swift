import Core

/// An account's one-way position in one symbol. Margin is computed per position (isolated
/// style), which gives Bybit's isolated liquidation-price formula.
public struct EnginePosition: Sendable {
    /// Signed quantity units: positive long, negative short.
    public internal(set) var size: Int64 = 0
    /// Entry value of the open size (scale `qtyScale + priceScale`), always ≥ 0.
    public internal(set) var entryNotional: Int128 = 0
    /// Leverage in hundredths (10.00x is 1000).
    public var leverage: Int64
    /// USDT units: closed PnL minus fees and funding, over the account's life in this symbol.
    var cumRealisedPnl: Int64 = 0
    /// USDT units, since the position was last opened.
    var curRealisedPnl: Int64 = 0
    var takeProfit: Int64?
    var stopLoss: Int64?
    var trailing: TrailingStop?
    var createdTime: Timestamp
    var updatedTime: Timestamp
    var seq: Int64 = 0

    /// A flat position at `leverage` hundredths.
    public init(leverage: Int64, createdTime: Timestamp, updatedTime: Timestamp) {
        self.leverage = leverage
        self.createdTime = createdTime
        self.updatedTime = updatedTime
    }

    public var side: Side? { size > 0 ? .buy : size < 0 ? .sell : nil }
    public var quantity: Int64 { abs(size) }

    /// Applies a fill of `qty` at `ticks`; returns the PnL it realised (USDT units, before
    /// fees) and the size it closed. A fill larger than an opposite position flips it.
    public mutating func apply(side fillSide: Side, qty: Int64, ticks: Int64, instrument: SimulatedInstrument) -> (pnl: Int64, closed: Int64) {
        let signed = fillSide == .buy ? qty : -qty
        if size == 0 || (size > 0) == (signed > 0) {
            if size == 0 { curRealisedPnl = 0 }
            size += signed
            entryNotional += instrument.notional(qty: qty, ticks: ticks)
            return (0, 0)
        }
        let closed = min(qty, quantity)
        let entryPart = dividedRounded(entryNotional * Int128(closed), by: Int128(quantity))
        let exitPart = instrument.notional(qty: closed, ticks: ticks)
        let pnl = instrument.usdt(notional: size > 0 ? exitPart - entryPart : entryPart - exitPart)
        entryNotional -= entryPart
        size += size > 0 ? -closed : closed
        let opened = qty - closed
        if size == 0 {
            entryNotional = 0
            takeProfit = nil
            stopLoss = nil
            trailing = nil
        }
        if opened > 0 {
            size = fillSide == .buy ? opened : -opened
            entryNotional = instrument.notional(qty: opened, ticks: ticks)
        }
        return (pnl, closed)
    }

    /// Unrealised PnL at `mark` (USDT units).
    public func unrealisedPnl(mark: Int64, instrument: SimulatedInstrument) -> Int64 {
        let current = instrument.notional(qty: quantity, ticks: mark)
        return instrument.usdt(notional: size >= 0 ? current - entryNotional : entryNotional - current)
    }

    /// Initial margin: entry value / leverage (USDT units).
    public func initialMargin(instrument: SimulatedInstrument) -> Int64 {
        Int64(dividedRounded(Int128(instrument.usdt(notional: entryNotional)) * 100, by: Int128(leverage)))
    }

    /// Maintenance margin: value at `mark` × rate (USDT units).
    func maintenanceMargin(mark: Int64, rate: FixedPoint, instrument: SimulatedInstrument) -> Int64 {
        applying(rate, to: instrument.value(qty: quantity, ticks: mark))
    }

    /// The price at which the margin is gone, `entry × (1 ∓ 1/leverage)`, in ticks.
    public func bankruptcyTicks(instrument: SimulatedInstrument) -> Int64? {
        liquidationTicks(maintenanceRate: .zero, instrument: instrument)
    }

    /// Bybit's isolated-margin liquidation price, `entry × (1 − 1/leverage + mmr)` for a long and
    /// `entry × (1 + 1/leverage − mmr)` for a short, in ticks (nil when flat).
    public func liquidationTicks(maintenanceRate rate: FixedPoint, instrument: SimulatedInstrument) -> Int64? {
        guard size != 0 else { return nil }
        let scale = powerOfTen(Int(rate.scale))
        let lev = Int128(leverage)
        let margin = 100 * scale
        let maintenance = Int128(rate.units) * lev
        let factor = size > 0 ? lev * scale - margin + maintenance : lev * scale + margin - maintenance
        let ticks = dividedRounded(entryNotional * factor, by: lev * scale * Int128(quantity) * Int128(instrument.tickUnits))
        return max(0, Int64(ticks))
    }
}
