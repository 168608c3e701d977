import Core
import Synchronization

/// The simulated exchange's accounts, orders and positions, matched against `MarketBoard`.
///
/// Pure logic and deterministic: time only moves through `advance(to:)` and the `now` of each
/// request, and prices come from the board. Every change publishes Bybit-shaped private events
/// (`order`, `execution`, `position`, `wallet`) to `publish`, in the order they happened.
public final class MatchingEngine: Sendable {
    let market: MarketBoard
    let parameters: TradingParameters
    private let ledger: Mutex<TradingLedger>
    private let publish: @Sendable (PrivateStreamEvent) -> Void

    init(
        market: MarketBoard, accounts: [SimulatedAccount], parameters: TradingParameters, start: Timestamp,
        publish: @escaping @Sendable (PrivateStreamEvent) -> Void
    ) {
        self.market = market
        self.parameters = parameters
        self.publish = publish
        self.ledger = Mutex(TradingLedger(market: market, parameters: parameters, accounts: accounts, start: start))
    }

    /// Processes resting limits, conditional triggers, TP/SL, trailing stops, funding and
    /// liquidation from the last advance up to `time`. Earlier times are ignored.
    public func advance(to time: Timestamp) {
        withLedger { $0.advance(to: time) }
    }

    /// Runs `body` on the ledger and publishes the events it produced, under the lock so that
    /// events leave in the order they happened.
    func withLedger<T: Sendable, E: Error>(_ body: (inout TradingLedger) throws(E) -> T) throws(E) -> T {
        try ledger.withLock { ledger throws(E) -> T in
            defer {
                for event in ledger.outbox { publish(event) }
                ledger.outbox.removeAll()
            }
            return try body(&ledger)
        }
    }
}

/// One account's money, positions and orders.
struct AccountState: Sendable {
    let account: SimulatedAccount
    /// USDT units.
    var walletBalance: Int64
    var positions: [Symbol: EnginePosition] = [:]
    /// Every order, oldest first.
    var orders: [EngineOrder] = []
    var orderIndex: [String: Int] = [:]
    var linkIndex: [String: Int] = [:]
    /// Every execution, oldest first (`GET /v5/execution/list`).
    var executions: [EngineExecution] = []

    init(account: SimulatedAccount) {
        self.account = account
        walletBalance = USDT.units(account.startingBalance) ?? 0
    }
}

/// The engine's mutable state; every mutation runs inside `MatchingEngine`'s lock.
struct TradingLedger: Sendable {
    let market: MarketBoard
    let parameters: TradingParameters
    var accounts: [String: AccountState] = [:]
    /// Time up to which `advance` has processed the market.
    var processedThrough: Timestamp
    var nextOrderNumber: UInt64 = 0
    var nextExecNumber: UInt64 = 0
    var nextSeq: Int64 = 0
    /// Events produced by the current operation, published when it ends.
    var outbox: [PrivateStreamEvent] = []

    init(market: MarketBoard, parameters: TradingParameters, accounts: [SimulatedAccount], start: Timestamp) {
        self.market = market
        self.parameters = parameters
        self.processedThrough = start
        for account in accounts { self.accounts[account.apiKey] = AccountState(account: account) }
    }

    func instrument(_ symbol: Symbol) -> SimulatedInstrument {
        // Orders and positions only exist for symbols validated against the board.
        market.instrument(symbol)!
    }

    /// The last price of `symbol` at `time`, on the market's price path.
    func lastTicks(_ symbol: Symbol, at time: Timestamp) -> Int64 {
        market.lastPriceTicks(symbol, at: time)
    }

    mutating func newOrderID() -> String {
        nextOrderNumber += 1
        return Self.uuid(nextOrderNumber, variant: 0x4000)
    }

    mutating func newExecID() -> String {
        nextExecNumber += 1
        return Self.uuid(nextExecNumber, variant: 0x5000)
    }

    mutating func seq() -> Int64 {
        nextSeq += 1
        return nextSeq
    }

    /// A UUID-shaped id from a counter, so that runs are repeatable.
    static func uuid(_ number: UInt64, variant: UInt16) -> String {
        func hex(_ value: UInt64, _ width: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(hex(number >> 48, 8))-\(hex((number >> 32) & 0xffff, 4))-\(hex(UInt64(variant), 4))-8000-\(hex(number & 0xffff_ffff, 12))"
    }

    mutating func emit(_ apiKey: String, _ topic: String, _ data: [SimJSON], at time: Timestamp) {
        guard !data.isEmpty else { return }
        outbox.append(PrivateStreamEvent(apiKey: apiKey, topic: topic, data: data, time: time))
    }
}
