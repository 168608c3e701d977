import Core
import Foundation
import Testing

@testable import Backtest

/// Epoch milliseconds of an ISO-8601 UTC time such as "2026-01-05T01:00:00Z".
func utc(_ text: String) -> Int64 {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)!
    return Int64((date.timeIntervalSince1970 * 1000).rounded())
}

func utcCurve(_ points: [(String, String)]) -> [EquityPoint] {
    curve(points.map { (utc($0.0), $0.1) })
}

/// Two trades with decimals at several scales, on a two-point curve from 10000.00 to 9985.7295.
func twoTradeReport(title: String = "MACD/RSI on BTC and ETH") throws -> BacktestReport {
    let trades = [
        try BacktestTrade(
            symbol: try Symbol("BTCUSDT"), side: .buy, entryTime: Timestamp(milliseconds: utc("2026-01-05T01:00:00Z")),
            exitTime: Timestamp(milliseconds: utc("2026-01-05T03:30:00Z")), entryPrice: try Price(parsing: "43000.50"),
            exitPrice: try Price(parsing: "43210.00"), quantity: try Quantity(parsing: "0.010"), fees: money("0.8642"),
            funding: money("-0.0125"), pnl: money("1.2345")),
        try BacktestTrade(
            symbol: try Symbol("ETHUSDT"), side: .sell, entryTime: Timestamp(milliseconds: utc("2026-01-06T00:00:00Z")),
            exitTime: Timestamp(milliseconds: utc("2026-01-06T00:05:00.250Z")), entryPrice: try Price(parsing: "2500.1"),
            exitPrice: try Price(parsing: "2510.35"), quantity: try Quantity(parsing: "1.5"), fees: money("1.13"),
            funding: money("0"), pnl: money("-16.505")),
    ]
    return try BacktestReport(
        title: title, settings: [("strategy", "macd_rsi"), ("fees", "maker 0.02 %, taker 0.055 %"), ("data", "candles 5m")],
        equity: utcCurve([("2026-01-05T00:00:00Z", "10000.00"), ("2026-01-06T12:00:00Z", "9985.7295")]), trades: trades)
}

/// A JSON object parsed from `text`.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
