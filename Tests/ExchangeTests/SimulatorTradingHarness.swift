import Core
@testable import ExchangeSimulator
import Synchronization

/// A matching engine over a seeded market, with every private event it publishes recorded.
/// Time moves only when a test says so.
final class TradingHarness: Sendable {
    static let start = Timestamp(milliseconds: 1_767_225_600_000 + 6 * 3_600_000)  // 2026-01-01 06:00 UTC
    static let key = SimulatedAccount.standard.apiKey
    let btc = try! Symbol("BTCUSDT")
    let market: MarketBoard
    let engine: MatchingEngine
    private let recorded = EventLog()

    init(parameters: TradingParameters = TradingParameters(), accounts: [SimulatedAccount] = [.standard], start: Timestamp = TradingHarness.start) {
        market = MarketBoard(instruments: SimulatedInstrument.defaults, seed: 7, historyMinutes: 60, now: start)
        let log = recorded
        engine = MatchingEngine(
            market: market, accounts: accounts, parameters: parameters, start: start,
            publish: { event in log.events.withLock { $0.append(event) } })
    }

    var events: [PrivateStreamEvent] { recorded.events.withLock { $0 } }

    /// The `data` items published on `topic`, oldest first.
    func items(_ topic: String) -> [[String: String]] {
        events.filter { $0.topic == topic }.flatMap { $0.data.map(Self.flatten) }
    }

    /// An object's scalar fields as text, for assertions.
    static func flatten(_ json: SimJSON) -> [String: String] {
        guard case .object(let fields) = json else { return [:] }
        var out: [String: String] = [:]
        for (name, value) in fields {
            switch value {
            case .string(let text): out[name] = text
            case .int(let number): out[name] = String(number)
            case .bool(let flag): out[name] = String(flag)
            default: continue
            }
        }
        return out
    }

    func create(_ fields: [String: String], key: String = TradingHarness.key, at time: Timestamp = TradingHarness.start) throws(SimulatorReject) -> [String: String] {
        var fields = fields
        fields["category"] = fields["category"] ?? "linear"
        fields["symbol"] = fields["symbol"] ?? "BTCUSDT"
        return Self.flatten(try engine.createOrder(key, RequestFields(query: fields), at: time))
    }

    func order(_ orderId: String, key: String = TradingHarness.key) -> EngineOrder? {
        engine.withLedger { ledger in ledger.accounts[key].flatMap { account in account.orderIndex[orderId].map { account.orders[$0] } } }
    }

    func account(_ key: String = TradingHarness.key) -> AccountState {
        engine.withLedger { $0.accounts[key]! }
    }

    func position(_ symbol: Symbol? = nil, key: String = TradingHarness.key) -> EnginePosition? {
        account(key).positions[symbol ?? btc]
    }

    func last(_ symbol: Symbol? = nil, at time: Timestamp = TradingHarness.start) -> Int64 {
        engine.withLedger { $0.lastTicks(symbol ?? btc, at: time) }
    }

    /// The first instant after `start` (within `days`) at which the last price satisfies
    /// `condition`, a price threshold: minutes whose whole range misses it are skipped, then the
    /// minute's price path is searched step by step.
    func firstInstant(after start: Timestamp = TradingHarness.start, days: Int64 = 5, where condition: (Int64) -> Bool) -> Timestamp? {
        let step = IntraMinutePath.stepMilliseconds
        var minute = Timestamp(milliseconds: start.milliseconds / 60_000 * 60_000)
        for _ in 0..<(days * 1440) {
            let end = minute.adding(milliseconds: 60_000)
            let range = market.withSeries(btc, through: end) { series -> (Int64, Int64) in
                let bar = series.bars[Int(series.minuteIndex(minute))]
                return (bar.low, bar.high)
            }
            if let (low, high) = range, condition(low) || condition(high) {
                var time = Timestamp(milliseconds: max(minute.milliseconds, (start.milliseconds / step + 1) * step))
                while time < end {
                    if condition(last(at: time)) { return time }
                    time = time.adding(milliseconds: step)
                }
            }
            minute = end
        }
        return nil
    }

    var instrument: SimulatedInstrument { market.instrument(btc)! }
}

/// The events an engine published, oldest first.
final class EventLog: Sendable {
    let events = Mutex<[PrivateStreamEvent]>([])
}
