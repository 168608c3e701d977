import Core
import Foundation
import Strategy
import Synchronization

/// Every intent the strategies give over the run, worked out a week of bars at a time. A
/// strategy reads only its own symbol's candles, never the account (in the live system signals
/// and risk are separate services), so running each symbol's strategy ahead of the portfolio
/// gives exactly the intents the bar-by-bar run would.
///
/// With more than one core, `parallelism − 1` workers run the weeks (every symbol's week w
/// before any symbol's week w + 1) while the portfolio loop reads the weeks done: the strategies
/// and the portfolio run side by side. The loop's thread works on the week it needs when that
/// is not done yet (with one core, that is all the work there is). The loop is the one thread
/// that cannot be shared out, so it gets a core of its own rather than a share of a core with
/// one worker too many.
///
/// Weeks start on Monday 00:00 UTC, so each holds whole buckets of every timeframe (they all
/// divide a week and align to it): a week's trend candles are resampled from its bars alone, as
/// resampling the whole series would give them.
final class SignalTape: Sendable {
    private let work: TapeWork
    /// Weeks from the one the run's first bar opens in to the last bar's.
    var weeks: Int { work.weeks }

    /// `strategies[i]` reads `market.series[i]`: its signal timeframe is the series', its trend
    /// timeframes are resampled from it (complete buckets only).
    init(market: BacktestMarket, strategies: [MACDRSIStrategy], parallelism: Int) throws {
        for (series, strategy) in zip(market.series, strategies) {
            guard strategy.symbol == series.symbol, strategy.timeframe == series.timeframe else {
                throw BacktestConfigurationError(
                    field: "strategy",
                    reason: "\(strategy.name) trades \(strategy.symbol) on \(strategy.timeframe), the data is \(series.symbol) on \(series.timeframe)")
            }
            // Trend candles are fed before the signal bar closing with them (`BucketBuilder`).
            guard strategy.timeframes.dropFirst().allSatisfy({ $0.milliseconds > series.timeframe.milliseconds }) else {
                throw BacktestConfigurationError(field: "strategy", reason: "\(strategy.name)'s trend timeframes must be longer than \(series.timeframe)")
            }
        }
        let first = market.series.map { $0.openTimes[0] }.min()!
        let last = market.series.map { $0.openTimes[$0.count - 1] }.max()!
        let firstWeek = Self.weekStart(first)
        let weeks = Int((Self.weekStart(last) - firstWeek) / Timeframe.w1.milliseconds) + 1
        work = TapeWork(market: market, strategies: strategies, firstWeek: firstWeek, weeks: weeks, workers: max(parallelism - 1, 0))
        if parallelism > 1 {
            let work = self.work
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: parallelism - 1) { _ in work.runWorker() }
            }
        }
    }

    deinit { work.cancel() }

    /// The week (counted from the run's first) of a bar opening at `openTime`.
    func week(ofBarOpeningAt openTime: Int64) -> Int {
        Int((Self.weekStart(openTime) - work.firstWeek) / Timeframe.w1.milliseconds)
    }

    /// Every symbol's intents of `week` (by series), newest first (the loop takes each off the
    /// end), working out those no worker has started and waiting for those the workers have.
    /// Throws what a strategy threw. Each week is taken once, in order.
    func take(week: Int) throws -> [[Intent]] { try work.take(week: week) }

    /// Intents done with, freed by a worker while any runs: glibc frees a block another thread
    /// allocated under that thread's arena lock, and the loop freeing the workers' intents one by
    /// one while they allocated more fought over that lock for up to a quarter of the run.
    func giveBack(_ intents: [Intent]) { work.giveBack(intents) }

    private static func weekStart(_ milliseconds: Int64) -> Int64 {
        Timeframe.w1.bucketStart(of: Timestamp(milliseconds: milliseconds)).milliseconds
    }
}

/// The tape's state, shared with its workers. Task `t` is week `t / symbols` of series
/// `t % symbols`; a symbol's strategy is held by one task at a time, its weeks in order.
private final class TapeWork: @unchecked Sendable {
    let market: BacktestMarket
    /// Where the run's first week starts (ms).
    let firstWeek: Int64
    let weeks: Int
    let nextTask = Atomic(0)
    // Everything below is guarded by `lock`.
    let lock = NSCondition()
    /// A symbol's strategy, nil while a task has it out.
    var strategies: [MACDRSIStrategy?]
    /// Weeks each symbol has done.
    var weeksDone: [Int]
    /// Tasks still to finish in each week.
    var unfinished: [Int]
    /// Weeks finished for every symbol.
    var finishedWeeks = 0
    /// Intents by task until the week is taken.
    var results: [[Intent]?]
    var failure: (any Error)?
    var cancelled = false
    /// Workers not yet finished, and the intents given back for them to free.
    var workersRunning: Int
    var givenBack: [[Intent]] = []

    init(market: BacktestMarket, strategies: [MACDRSIStrategy], firstWeek: Int64, weeks: Int, workers: Int) {
        self.market = market
        self.firstWeek = firstWeek
        self.weeks = weeks
        workersRunning = workers
        self.strategies = strategies
        weeksDone = [Int](repeating: 0, count: strategies.count)
        unfinished = [Int](repeating: strategies.count, count: weeks)
        results = [[Intent]?](repeating: nil, count: weeks * strategies.count)
    }

    var symbols: Int { market.series.count }

    func runWorker() {
        while true {
            freeGivenBack()
            let task = nextTask.add(1, ordering: .relaxed).oldValue
            guard task < weeks * symbols, run(task) else { break }
        }
        lock.lock()
        workersRunning -= 1
        lock.unlock()
        freeGivenBack()
    }

    func giveBack(_ intents: [Intent]) {
        lock.lock()
        defer { lock.unlock() }
        // With no worker left, the caller frees them (when `intents` goes).
        if workersRunning > 0 { givenBack.append(intents) }
    }

    private func freeGivenBack() {
        lock.lock()
        let intents = givenBack
        givenBack = []
        lock.unlock()
        _ = consume intents
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    func take(week: Int) throws -> [[Intent]] {
        lock.lock()
        defer { lock.unlock() }
        while finishedWeeks <= week, failure == nil {
            // Takes the week's tasks no worker has, without the lock; then waits for the rest.
            lock.unlock()
            var ranOne = false
            while nextTask.load(ordering: .relaxed) < (week + 1) * symbols {
                let task = nextTask.add(1, ordering: .relaxed).oldValue
                guard task < weeks * symbols, run(task) else { break }
                ranOne = true
            }
            lock.lock()
            if !ranOne, finishedWeeks <= week, failure == nil { lock.wait() }
        }
        if let failure { throw failure }
        let tasks = week * symbols..<(week + 1) * symbols
        defer { for task in tasks { results[task] = nil } }
        return tasks.map { results[$0]! }
    }

    /// Runs one task; false when the tape was cancelled or a task failed.
    private func run(_ task: Int) -> Bool {
        let week = task / symbols, symbol = task % symbols
        lock.lock()
        while weeksDone[symbol] < week, !cancelled, failure == nil { lock.wait() }
        guard !cancelled, failure == nil, var strategy = strategies[symbol] else {
            lock.unlock()
            return false
        }
        strategies[symbol] = nil
        lock.unlock()
        let result = Result { try intents(of: market.series[symbol], week: week, strategy: &strategy) }
        lock.lock()
        defer { lock.unlock() }
        strategies[symbol] = strategy
        weeksDone[symbol] = week + 1
        switch result {
        case .success(let intents): results[task] = intents
        case .failure(let error): failure = error
        }
        unfinished[week] -= 1
        while finishedWeeks < weeks, unfinished[finishedWeeks] == 0 { finishedWeeks += 1 }
        lock.broadcast()
        return failure == nil
    }

    private func intents(of series: BarSeries, week: Int, strategy: inout MACDRSIStrategy) throws -> [Intent] {
        let start = firstWeek + Int64(week) * Timeframe.w1.milliseconds
        let bars = series.indices(openingFrom: start, to: start + Timeframe.w1.milliseconds)
        guard !bars.isEmpty else { return [] }
        // The strategy's batch order, with no candle array and no sort: each signal bar comes
        // after the trend candles it completes, the longest first.
        var trends = try strategy.timeframes.dropFirst().sorted { $0.milliseconds > $1.milliseconds }
            .map { try BucketBuilder($0, from: series.timeframe) }
        var intents: [Intent] = []
        func feed(_ candle: Candle) throws {
            let step = try strategy.onCandle(candle)
            // Most candles give none: appending an empty array still cost a call and checks.
            if !step.intents.isEmpty { intents += step.intents }
        }
        for bar in bars {
            for trend in trends.indices {
                if let candle = trends[trend].add(bar, of: series) { try feed(candle) }
            }
            try feed(series.candle(bar))
        }
        intents.reverse()
        return intents
    }
}
