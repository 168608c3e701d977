import Core

/// `tickers.{symbol}`: the REST ticker as a snapshot on subscribe, then deltas holding the
/// symbol and only the fields that changed (missing fields are unchanged).
struct TickerFeed: TopicFeed {
    let symbol: Symbol
    private var lastFields: [String: String] = [:]
    private var sequence: Int64 = 0

    init(symbol: Symbol) { self.symbol = symbol }

    mutating func initial(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        let fields = current(simulator, now: now)
        lastFields = Dictionary(fields.map { ($0.0, $0.1.serialized) }, uniquingKeysWith: { $1 })
        return [push("snapshot", fields: fields, now: now)]
    }

    mutating func updates(_ simulator: BybitSimulator, now: Timestamp) -> [SimJSON] {
        guard !lastFields.isEmpty else { return initial(simulator, now: now) }
        let changed = current(simulator, now: now).filter { field in
            let text = field.1.serialized
            defer { lastFields[field.0] = text }
            return lastFields[field.0] != text
        }
        guard !changed.isEmpty else { return [] }
        return [push("delta", fields: [("symbol", .string(symbol.rawValue))] + changed, now: now)]
    }

    private mutating func push(_ type: String, fields: [(String, SimJSON)], now: Timestamp) -> SimJSON {
        sequence += 1
        return publicPush(topic: "tickers.\(symbol.rawValue)", type: type, time: now, data: .object(fields),
                          extra: [("cs", .int(sequence))])
    }

    /// The REST ticker's fields for the symbol.
    private func current(_ simulator: BybitSimulator, now: Timestamp) -> [(String, SimJSON)] {
        let result = try? simulator.tickers(["category": "linear", "symbol": symbol.rawValue], now: now)
        guard case .object(let top)? = result, case .array(let list)? = top.first(where: { $0.0 == "list" })?.1,
              case .object(let fields)? = list.first else { return [] }
        return fields
    }
}
