import Core
import ExchangeSimulator
import Indicators

/// The reference strategy, for checking Keel's backtester against others on the same data:
/// long only; a fast and a slow simple moving average of closes; when the fast one crosses
/// above the slow one (at or below it on the bar before, above it now) it buys at the next
/// bar's open with all the equity it is given, and when it crosses below (at or above before,
/// below now) it sells everything at the next bar's open. The commission is the venue's taker
/// fee.
///
/// All equity: quantity = equity ÷ symbols ÷ (signal close × (1 + taker fee)), rounded down to
/// the quantity step. Orders carry 2x leverage so a next open above the signal close never
/// refuses them for margin; the exposure is still about the whole equity.
public struct SMACrossDesk: BacktestDesk {
    public let fast: Int
    public let slow: Int
    private var averages: [Int: (fast: SMA, slow: SMA, previous: (fast: Double, slow: Double)?)] = [:]
    private var orders = 0

    /// Throws `BacktestConfigurationError` unless 1 ≤ fast < slow.
    public init(fast: Int, slow: Int) throws {
        guard fast >= 1, slow > fast else {
            throw BacktestConfigurationError(field: "sma-cross", reason: "needs 1 ≤ fast < slow, got fast \(fast), slow \(slow)")
        }
        self.fast = fast
        self.slow = slow
    }

    public mutating func onClose(
        at time: Timestamp, closing: [(series: Int, bar: Int)], market: BacktestMarket, trading: Bool, venue: inout BacktestVenue
    ) throws {
        for (index, bar) in closing {
            let series = market.series[index]
            let close = series.closes[bar]
            var state = averages[index] ?? (SMA(period: fast), SMA(period: slow), nil)
            let fastValue = state.fast.update(Double(close)), slowValue = state.slow.update(Double(close))
            let previous = state.previous
            state.previous = fastValue.flatMap { f in slowValue.map { (f, $0) } }
            averages[index] = state
            guard trading, let previous, let now = state.previous else { continue }
            let crossedUp = previous.fast <= previous.slow && now.fast > now.slow
            let crossedDown = previous.fast >= previous.slow && now.fast < now.slow
            let position = venue.position(series.symbol)?.quantity ?? 0
            if crossedUp, position == 0 {
                try buy(series, close: close, shareOf: market.series.count, at: time, &venue)
            } else if crossedDown, position > 0 {
                try submit(series.symbol, .sell, qty: position, reduceOnly: true, at: time, &venue)
            }
        }
    }

    private mutating func buy(_ series: BarSeries, close: Int64, shareOf symbols: Int, at time: Timestamp, _ venue: inout BacktestVenue) throws {
        let instrument = series.instrument
        let budget = Int128(venue.equity) / Int128(symbols)
        // budget / (close value per unit × (1 + fee)), in whole quantity steps.
        let fee = venue.settings.takerFeeRate
        let scale = powerOfTen(Int(fee.scale))
        let perUnitWithFee = Int128(instrument.value(qty: 1, ticks: close)) * (scale + Int128(fee.units))
        guard perUnitWithFee > 0 else { return }
        let units = Int64(budget * scale / perUnitWithFee)
        let qty = units / instrument.qtyStepUnits * instrument.qtyStepUnits
        guard qty > 0 else { return }
        try submit(series.symbol, .buy, qty: qty, reduceOnly: false, at: time, &venue)
    }

    private mutating func submit(_ symbol: Symbol, _ side: Side, qty: Int64, reduceOnly: Bool, at time: Timestamp, _ venue: inout BacktestVenue) throws {
        orders += 1
        try venue.submit(.place(VenueOrderRequest(
            clientID: "sma-cross-\(orders)", symbol: symbol, side: side, qty: qty, kind: .market, reduceOnly: reduceOnly,
            leverageHundredths: reduceOnly ? nil : 200)), at: time)
    }
}
