import Core
import Foundation

/// The parameters of a private request as text: a GET's query, or a POST's JSON object whose
/// values may be strings, booleans or integers (clients differ), never fractional numbers.
struct RequestFields: Sendable {
    private(set) var values: [String: String]

    init(query: [String: String]) {
        values = query
    }

    /// Parses a POST body; 10001 with an excerpt if it is not a JSON object of scalars.
    init(json bytes: [UInt8]) throws(SimulatorReject) {
        do {
            let scalars = try JSONDecoder().decode([String: JSONScalar].self, from: Data(bytes))
            values = scalars.compactMapValues(\.text)
        } catch {
            let excerpt = String(decoding: bytes.prefix(120), as: UTF8.self)
            throw .parameter("params error: the body must be a JSON object of strings, booleans and integers: \(excerpt)")
        }
    }

    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String) throws(SimulatorReject) -> String {
        guard let value = self[name] else { throw .parameter("params error: \(name) is required") }
        return value
    }

    /// `category`, which must be `linear`.
    func linearCategory() throws(SimulatorReject) {
        let category = try required("category")
        guard category == "linear" else {
            throw .parameter("params error: category \(category) is not supported by the simulator (linear only)")
        }
    }

    func instrument(in market: MarketBoard) throws(SimulatorReject) -> SimulatedInstrument {
        let text = try required("symbol")
        guard let symbol = try? Symbol(text.uppercased()), let instrument = market.instrument(symbol) else {
            throw .parameter("params error: symbol invalid (\(text))")
        }
        return instrument
    }

    /// A boolean field, "true"/"false"; `fallback` when absent.
    func flag(_ name: String, fallback: Bool = false) throws(SimulatorReject) -> Bool {
        guard let text = self[name] else { return fallback }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .parameter("params error: \(name) must be true or false, got \(text)")
        }
    }

    /// An integer field within `range`; nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int64>) throws(SimulatorReject) -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw .parameter("params error: \(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return value
    }

    /// One-way mode only: `positionIdx` absent or 0.
    func oneWayPositionIndex() throws(SimulatorReject) {
        if let index = self["positionIdx"], index != "0" {
            throw .parameter("params error: position idx not match position mode (the simulator runs one-way mode, positionIdx 0)")
        }
    }

    /// A price on the instrument's tick within its price filter, in ticks; `0` is allowed
    /// when `zeroCancels` (it means "remove").
    func price(_ name: String, _ instrument: SimulatedInstrument, zeroCancels: Bool = false) throws(SimulatorReject) -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = try? FixedPoint(parsing: text) else {
            throw .parameter("params error: \(name) must be a decimal string, got \(text)")
        }
        if zeroCancels, value.isZero { return 0 }
        let tick = instrument.price(ticks: 1)
        guard let ticks = instrument.parseTicks(text) else {
            throw .parameter("params error: \(name) \(text) is not a multiple of tickSize \(tick)")
        }
        guard ticks >= 1, ticks <= instrument.maxPriceTicks else {
            throw .parameter("params error: \(name) \(text) is outside the price filter \(tick)...\(instrument.price(ticks: instrument.maxPriceTicks))")
        }
        return ticks
    }

    /// A quantity on the instrument's step within `minOrderQty...maximum`, in units.
    func quantity(_ name: String, _ instrument: SimulatedInstrument, maximum: Int64) throws(SimulatorReject) -> Int64 {
        let text = try required(name)
        guard (try? FixedPoint(parsing: text)) != nil else {
            throw .parameter("params error: \(name) must be a decimal string, got \(text)")
        }
        let step = instrument.quantity(units: instrument.qtyStepUnits)
        guard let units = instrument.parseQuantity(text), units % instrument.qtyStepUnits == 0 else {
            throw .parameter("Qty invalid: \(name) \(text) is not a multiple of qtyStep \(step)")
        }
        guard units >= instrument.minOrderQtyUnits else {
            throw .parameter("Qty invalid: \(name) \(text) is below minOrderQty \(instrument.quantity(units: instrument.minOrderQtyUnits))")
        }
        guard units <= maximum else {
            throw .parameter("Qty invalid: \(name) \(text) is above the maximum \(instrument.quantity(units: maximum))")
        }
        return units
    }
}

/// One JSON value of a request body: strings, booleans and integers become text; null is absent.
private enum JSONScalar: Decodable {
    case text(String)
    case null

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let string = try? container.decode(String.self) {
            self = .text(string)
        } else if let flag = try? container.decode(Bool.self) {
            self = .text(flag ? "true" : "false")
        } else {
            self = .text(String(try container.decode(Int64.self)))
        }
    }
}
