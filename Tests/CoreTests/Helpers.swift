import Core

/// Parses a decimal literal for tests.
func fp(_ text: String) throws -> FixedPoint {
    try FixedPoint.parse(text)
}

func symbol(_ text: String = "BTCUSDT") throws -> Symbol {
    try Symbol(text)
}
