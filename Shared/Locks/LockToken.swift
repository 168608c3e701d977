enum LockToken {
    /// 128 random bits as 32 hex digits. `SystemRandomNumberGenerator` is a cryptographically
    /// secure source (getrandom on Linux, arc4random on Darwin), so tokens cannot be guessed.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next()) + hex(generator.next())
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
