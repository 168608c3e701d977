import Core
import Foundation

/// The market's streams on Core's SplitMix64 generator.
extension SplitMix64 {
    /// A generator for one stream of the market: `seed` mixed with a symbol and any number of
    /// integers (a minute, a book step, a period), so each stream is independent of the others.
    init(seed: UInt64, _ symbol: Symbol, _ salts: Int64...) {
        var hash: UInt64 = seed ^ 0xCBF2_9CE4_8422_2325
        for byte in symbol.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for salt in salts {
            var mixer = SplitMix64(seed: hash ^ UInt64(bitPattern: salt))
            hash = mixer.next()
        }
        self.init(seed: hash)
    }

    /// Uniform in [-1, 1).
    mutating func signedUnit() -> Double { unit() * 2 - 1 }

    /// Standard normal (Box–Muller).
    public mutating func gaussian() -> Double {
        let u1 = max(unit(), .leastNonzeroMagnitude)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in `range`.
    mutating func integer(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
