import Core
import ExchangeSimulator

/// How far a taker fill lands from the price it was asked at, always against the taker.
///
/// OHLCV bars carry no order book, so "depth" is modelled from the bar's traded volume:
/// `volumeImpact(k)` moves the price by `k × quantity / bar volume` of itself (a bar with no
/// volume counts as a participation of 1). The others are fixed: a number of ticks, or a
/// fraction of the price. Every model rounds to whole ticks against the taker.
public enum SlippageModel: Sendable, Hashable, CustomStringConvertible {
    case none
    case ticks(Int64)
    case fraction(FixedPoint)
    case volumeImpact(FixedPoint)

    /// Ticks of slippage for `qty` units at `price` ticks in a bar that traded `volume` units.
    func ticks(price: Int64, qty: Int64, volume: Int64) -> Int64 {
        switch self {
        case .none: return 0
        case .ticks(let ticks): return ticks
        case .fraction(let fraction): return Self.ceiling(Int128(price) * Int128(fraction.units), powerOfTen(Int(fraction.scale)))
        case .volumeImpact(let coefficient):
            let participation = volume > 0 ? (Int128(qty), Int128(volume)) : (1, 1)
            return Self.ceiling(
                Int128(price) * Int128(coefficient.units) * participation.0, powerOfTen(Int(coefficient.scale)) * participation.1)
        }
    }

    private static func ceiling(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        Int64((numerator + denominator - 1) / denominator)
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .ticks(let ticks): "\(ticks) ticks"
        case .fraction(let fraction): "\(fraction) of the price"
        case .volumeImpact(let coefficient): "\(coefficient) × quantity / bar volume"
        }
    }

    /// Parses `none`, `ticks:N`, `fraction:F` or `volume:K`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        func number() throws -> FixedPoint {
            guard parts.count == 2, let value = try? FixedPoint(parsing: parts[1]), !value.isNegative else {
                throw BacktestConfigurationError(field: "slippage", reason: "\(text) needs a non-negative number after the colon")
            }
            return value
        }
        switch parts[0] {
        case "none" where parts.count == 1: self = .none
        case "ticks":
            let value = try number()
            guard value.scale == 0 || (try? value.rescaled(to: 0)) != nil else {
                throw BacktestConfigurationError(field: "slippage", reason: "\(text): ticks must be a whole number")
            }
            self = .ticks(try value.rescaled(to: 0).units)
        case "fraction": self = .fraction(try number())
        case "volume": self = .volumeImpact(try number())
        default:
            throw BacktestConfigurationError(
                field: "slippage", reason: "\(text) is not one of none, ticks:N, fraction:F, volume:K")
        }
    }
}

/// The backtest venue's costs and frictions.
public struct VenueSettings: Sendable, Hashable {
    /// Fee rates as fractions of the traded value (Bybit's non-VIP linear rates by default).
    public var makerFeeRate: FixedPoint
    public var takerFeeRate: FixedPoint
    public var slippage: SlippageModel
    /// From a decision (at a bar's close) to the venue acting on it.
    public var latencyMs: Int64
    /// The most of a bar's volume one resting limit order may fill in that bar (nil: all of it,
    /// whatever the volume).
    public var participation: FixedPoint?
    /// Funding rate per 8-hour interval (00:00, 08:00, 16:00 UTC); positive: longs pay shorts.
    public var fundingRate: FixedPoint
    public var maintenanceMarginRate: FixedPoint

    public init(
        makerFeeRate: FixedPoint = try! FixedPoint(parsing: "0.0002"), takerFeeRate: FixedPoint = try! FixedPoint(parsing: "0.00055"),
        slippage: SlippageModel = .none, latencyMs: Int64 = 0, participation: FixedPoint? = nil,
        fundingRate: FixedPoint = .zero, maintenanceMarginRate: FixedPoint = try! FixedPoint(parsing: "0.005")
    ) {
        self.makerFeeRate = makerFeeRate
        self.takerFeeRate = takerFeeRate
        self.slippage = slippage
        self.latencyMs = latencyMs
        self.participation = participation
        self.fundingRate = fundingRate
        self.maintenanceMarginRate = maintenanceMarginRate
    }

    static let fundingIntervalMs: Int64 = 28_800_000
}

/// A backtest setting that cannot work, naming it.
public struct BacktestConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "backtest \(field): \(reason)" }
}
