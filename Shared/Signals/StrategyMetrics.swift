import Metrics
import Strategy

/// Per-strategy counters: signal bars evaluated, intents emitted, signals stopped by each filter.
struct StrategyMetrics: Sendable {
    private let evaluated: Counter
    private let emitted: Counter
    private let filtered: [EntryFilter: Counter]

    init(strategy: String) {
        evaluated = Counter(label: "keel_signals_evaluated_total", dimensions: [("strategy", strategy)])
        emitted = Counter(label: "keel_signals_intents_total", dimensions: [("strategy", strategy)])
        filtered = Dictionary(uniqueKeysWithValues: EntryFilter.allCases.map { filter in
            (filter, Counter(label: "keel_signals_filtered_total", dimensions: [("strategy", strategy), ("filter", filter.rawValue)]))
        })
    }

    func record(_ step: StrategyStep) {
        if step.evaluated { evaluated.increment() }
        if !step.intents.isEmpty { emitted.increment(by: step.intents.count) }
        for filter in step.filtered { filtered[filter]?.increment() }
    }
}
