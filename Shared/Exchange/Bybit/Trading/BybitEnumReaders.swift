import Core

extension KeyedDecodingContainer {
    /// A required string field that must be one of `values`' keys.
    func bybitEnum<Value>(_ key: Key, _ values: [String: Value]) throws -> Value {
        let text = try bybitString(key)
        guard let value = values[text] else {
            throw BybitDecodingError(.unknownEnumValue(text), field: jsonPath(codingPath + [key]))
        }
        return value
    }

    /// An optional decimal where Bybit's "0" also means "none" (avgPrice before a fill, an unset
    /// take-profit or stop-loss).
    func bybitOptionalNonZero(_ key: Key) throws -> FixedPoint? {
        guard let value = try bybitOptionalDecimal(key), !value.isZero else { return nil }
        return value
    }
}
