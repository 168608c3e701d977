import Core
import Testing

@testable import Risk

/// Risk's closed trades from execution's closing fills.
@Suite struct ClosingFillTests {
    static let btc = try! Symbol("BTCUSDT")
    static let eth = try! Symbol("ETHUSDT")

    static func fill(_ symbol: Symbol, _ pnl: String, second: Int64, stoppedOut: Bool = false) -> ClosedTrade {
        ClosedTrade(symbol: symbol, pnl: try! Money(parsing: pnl), closedAt: Timestamp(milliseconds: second * 1000), stoppedOut: stoppedOut)
    }

    @Test func anOrdersFillsAreOneTradeAndAnotherOrderIsAnother() {
        var tracker = PortfolioTracker()
        // A stop walking three book levels, with an ETH fill between two of them.
        tracker.record(closingFill: Self.fill(Self.btc, "-50.5", second: 1, stoppedOut: true), order: "stop-1")
        tracker.record(closingFill: Self.fill(Self.btc, "-30.25", second: 1, stoppedOut: true), order: "stop-1")
        tracker.record(closingFill: Self.fill(Self.eth, "12", second: 2), order: "exit-1")
        tracker.record(closingFill: Self.fill(Self.btc, "-9.25", second: 3, stoppedOut: true), order: "stop-1")
        // The next BTC trade's target.
        tracker.record(closingFill: Self.fill(Self.btc, "40", second: 9), order: "target-2")
        #expect(tracker.account.closedTrades == [
            Self.fill(Self.btc, "-90.00", second: 3, stoppedOut: true), Self.fill(Self.eth, "12", second: 2),
            Self.fill(Self.btc, "40", second: 9),
        ])
    }
}
