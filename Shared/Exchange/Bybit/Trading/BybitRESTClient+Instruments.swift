import Core

/// An order for a symbol the loaded instrument list does not have.
public struct UnknownInstrumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let symbol: Symbol
    public var description: String { "\(symbol): not a tradable linear instrument (not in the loaded instrument list)" }
}

extension BybitRESTClient {
    /// Loads (or reloads) every linear instrument's rules; from then on `createOrder` refuses an
    /// order that breaks one before sending it. Returns how many instruments were loaded.
    @discardableResult
    public func loadInstrumentRules() async throws -> Int {
        let all = try await instruments()
        var bySymbol: [Symbol: InstrumentRules] = [:]
        for rules in all { bySymbol[rules.symbol] = rules }
        instrumentRules.withLock { $0 = bySymbol }
        return bySymbol.count
    }

    /// Reloads the rules every `interval` until the task is cancelled. A failed refresh keeps the
    /// rules already loaded and is reported to `onFailure`; the next interval tries again.
    public func refreshInstrumentRules(every interval: Duration, onFailure: @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await loadInstrumentRules()
            } catch is CancellationError {
                return
            } catch {
                onFailure(error)
            }
        }
    }

    /// The loaded rules of `symbol`, or nil before `loadInstrumentRules()`.
    public func rules(for symbol: Symbol) throws(UnknownInstrumentError) -> InstrumentRules? {
        guard let all = instrumentRules.withLock({ $0 }) else { return nil }
        guard let rules = all[symbol] else { throw UnknownInstrumentError(symbol: symbol) }
        return rules
    }

    /// The rules of `symbol`, loading every instrument's first if they are not loaded yet.
    public func requireRules(for symbol: Symbol) async throws -> InstrumentRules {
        if try rules(for: symbol) == nil { try await loadInstrumentRules() }
        guard let rules = try rules(for: symbol) else { throw UnknownInstrumentError(symbol: symbol) }
        return rules
    }

    /// Throws the rule `request` breaks (`InstrumentRuleViolation`), or `UnknownInstrumentError`.
    /// Checks nothing before the rules are loaded.
    public func validate(_ request: BybitOrderRequest) throws {
        try rules(for: request.symbol)?.validate(order: request.check)
    }
}
