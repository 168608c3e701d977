import Core
import Foundation

/// SplitMix64: a small, fast, seedable generator, so a seed always gives the same market.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one stream of the market: `seed` mixed with a symbol and any number of
    /// integers (a minute, a book step, a period), so each stream is independent of the others.
    init(seed: UInt64, _ symbol: Symbol, _ salts: Int64...) {
        var hash: UInt64 = seed ^ 0xCBF2_9CE4_8422_2325
        for byte in symbol.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for salt in salts {
            var mixer = SplitMix64(seed: hash ^ UInt64(bitPattern: salt))
            hash = mixer.next()
        }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// Uniform in [-1, 1).
    mutating func signedUnit() -> Double { unit() * 2 - 1 }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
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
