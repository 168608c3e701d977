import Exchange

/// A minimal JSON value the simulator writes replies with: Bybit sends every number as a
/// string, so only `time`, `retCode` and a few flags and counters are bare. Object keys keep their order.
indirect enum SimJSON: Sendable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case array([SimJSON])
    case object([(String, SimJSON)])

    var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let text):
            out += jsonString(text)
        case .int(let value):
            out += String(value)
        case .bool(let value):
            out += value ? "true" : "false"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { out += "," }
                SimJSON.string(field.0).write(into: &out)
                out += ":"
                field.1.write(into: &out)
            }
            out += "}"
        }
    }
}
