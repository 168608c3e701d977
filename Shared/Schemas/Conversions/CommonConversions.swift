import Core

extension Keel_V1_Decimal {
    public init(_ value: FixedPoint) {
        self.init()
        units = value.units
        scale = UInt32(value.scale)
    }

    public init(_ value: some FixedPointValue) {
        self.init(value.value)
    }

    /// The exact value; `field` names it in the error.
    public func fixedPoint(_ message: String, _ field: String) throws(SchemaConversionError) -> FixedPoint {
        guard scale <= UInt32(FixedPoint.maxScale), let value = try? FixedPoint(units: units, scale: UInt8(scale)) else {
            throw SchemaConversionError(message: message, field: field, reason: "scale \(scale) is above \(FixedPoint.maxScale)")
        }
        return value
    }
}

extension Keel_V1_Side {
    public init(_ side: Side) {
        self = side == .buy ? .buy : .sell
    }

    func side(_ message: String, _ field: String = "side") throws(SchemaConversionError) -> Side {
        switch self {
        case .buy: return .buy
        case .sell: return .sell
        case .unspecified, .UNRECOGNIZED: throw SchemaConversionError(message: message, field: field, reason: "side is \(self)")
        }
    }
}

extension Keel_V1_IntentKind {
    func intentKind(_ message: String) throws(SchemaConversionError) -> IntentKind {
        switch self {
        case .entry: return .entry
        case .exit: return .exit
        case .unspecified, .UNRECOGNIZED: throw SchemaConversionError(message: message, field: "kind", reason: "kind is \(self)")
        }
    }
}

extension Keel_V1_Timeframe {
    private static let pairs: [(Timeframe, Keel_V1_Timeframe)] = [
        (.m1, .m1), (.m3, .m3), (.m5, .m5), (.m15, .m15), (.m30, .m30), (.h1, .h1),
        (.h2, .h2), (.h4, .h4), (.h6, .h6), (.h12, .h12), (.d1, .d1), (.w1, .w1),
    ]

    public init(_ timeframe: Timeframe) {
        // Every Timeframe has a pair above.
        self = Self.pairs.first { $0.0 == timeframe }!.1
    }

    func timeframe(_ message: String) throws(SchemaConversionError) -> Timeframe {
        guard let match = Self.pairs.first(where: { $0.1 == self }) else {
            throw SchemaConversionError(message: message, field: "timeframe", reason: "timeframe is \(self)")
        }
        return match.0
    }
}

/// A symbol field, validated.
func symbol(_ text: String, _ message: String) throws(SchemaConversionError) -> Symbol {
    do {
        return try Symbol(text)
    } catch {
        throw SchemaConversionError(message: message, field: "symbol", reason: "\(error)")
    }
}
