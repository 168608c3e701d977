import Core
import ExchangeSimulator

@testable import Backtest

/// A plain instrument for hand-computed cases: price tick 0.01, whole-unit quantities.
let testSymbol = try! Symbol("TESTUSDT")
let testInstrument = try! SimulatedInstrument(
    symbol: "TESTUSDT", baseCoin: "TEST", priceScale: 2, tickUnits: 1, qtyScale: 0, qtyStepUnits: 1, minOrderQtyUnits: 1,
    maxOrderQtyUnits: 1_000_000, maxMarketOrderQtyUnits: 1_000_000, minNotional: 5, maxLeverage: 100, startPrice: 100)

func decimal(_ text: String) -> FixedPoint { try! FixedPoint(parsing: text) }

/// Price text ("100.25") as ticks of 0.01.
func ticks(_ text: String) -> Int64 { try! decimal(text).rescaled(to: 2).units }

/// USDT text as units of 10^-8.
func usdt(_ text: String) -> Int64 { try! decimal(text).rescaled(to: 8).units }

/// An hour bar opening `hours` after midnight 2026-01-01 UTC... here simply epoch hours.
func hourBar(_ hours: Int64, _ open: String, _ high: String, _ low: String, _ close: String, volume: Int64 = 1_000) -> VenueBar {
    VenueBar(
        openTime: Timestamp(milliseconds: hours * 3_600_000), durationMs: 3_600_000, open: ticks(open), high: ticks(high),
        low: ticks(low), close: ticks(close), volume: volume)
}

func venue(_ settings: VenueSettings = VenueSettings(), balance: String = "10000") -> BacktestVenue {
    try! BacktestVenue(settings: settings, startingBalance: Money(decimal(balance)), instruments: [testInstrument])
}

func marketOrder(_ id: String, _ side: Side, _ qty: Int64, reduceOnly: Bool = false, leverage: Int64 = 1000,
                 stop: String? = nil, target: String? = nil) -> VenueAction {
    .place(VenueOrderRequest(
        clientID: id, symbol: testSymbol, side: side, qty: qty, kind: .market, reduceOnly: reduceOnly,
        leverageHundredths: reduceOnly ? nil : leverage, stopLoss: stop.map(ticks), takeProfit: target.map(ticks)))
}

func at(hours: Int64, minutes: Int64 = 0) -> Timestamp { Timestamp(milliseconds: hours * 3_600_000 + minutes * 60_000) }
