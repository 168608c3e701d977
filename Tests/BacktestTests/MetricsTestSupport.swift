import Core

@testable import Backtest

let hour: Int64 = 3_600_000
let day: Int64 = 24 * hour

func money(_ text: String) -> Money { try! Money(parsing: text) }

func curve(_ points: [(Int64, String)]) -> [EquityPoint] {
    points.map { EquityPoint(time: Timestamp(milliseconds: $0.0), equity: money($0.1)) }
}

func trade(
    _ symbol: String, _ side: Side, hours: ClosedRange<Int64>, pnl: String, fees: String, funding: String
) -> BacktestTrade {
    try! BacktestTrade(
        symbol: try! Symbol(symbol), side: side, entryTime: Timestamp(milliseconds: hours.lowerBound * hour),
        exitTime: Timestamp(milliseconds: hours.upperBound * hour), entryPrice: try! Price(parsing: "100"),
        exitPrice: try! Price(parsing: "101"), quantity: try! Quantity(parsing: "1"), fees: money(fees),
        funding: money(funding), pnl: money(pnl))
}
