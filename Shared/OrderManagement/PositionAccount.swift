import Core

/// A one-way position rebuilt from its fills, in exact fixed point: size, the entry cost of the
/// open size, and for every fill the PnL it realised. A closing fill realises
/// `exit value − entry cost of the closed part` (a long; the reverse for a short), the entry
/// cost of the part being its share of the open cost rounded at `shareScale` decimals (far
/// below a cent), minus the fill's fee; an opening fill realises minus its fee. A fill larger than the opposite
/// position closes it and opens the rest the other way.
public struct PositionAccount: Sendable, Hashable, Codable {
    /// `.buy` long, `.sell` short, nil flat.
    public private(set) var side: Side?
    public private(set) var size: Quantity = .zero
    /// What the open size cost: Σ price × quantity of its entries, less the closed shares.
    public private(set) var entryCost: Money = .zero
    /// Realised PnL net of fees and funding since the account began.
    public private(set) var realisedPnL: Money = .zero
    public private(set) var feesPaid: Money = .zero
    public private(set) var fundingPaid: Money = .zero

    public init() {}

    /// Decimals of a closed part's share of the entry cost.
    static let shareScale: UInt8 = 8

    public var isFlat: Bool { side == nil }

    /// Applies `fill`; returns the PnL it realised, net of its fee.
    @discardableResult
    public mutating func apply(_ fill: Fill) throws -> Money {
        let value = try fill.price * fill.quantity
        var realised = Money.zero
        if let side, side != fill.side {
            let closed = min(fill.quantity, size)
            let costShare = closed == size
                ? entryCost
                : Money(try entryCost.value.multiplied(by: closed.value).divided(
                    by: size.value, scale: max(entryCost.scale, Self.shareScale), rounding: .nearest))
            let exitValue = try fill.price * closed
            realised = side == .buy ? try exitValue - costShare : try costShare - exitValue
            entryCost = try entryCost - costShare
            size = try size - closed
            let opened = try fill.quantity - closed
            if size.isZero {
                entryCost = .zero
                self.side = nil
                if opened.isPositive {
                    self.side = fill.side
                    size = opened
                    entryCost = try fill.price * opened
                }
            }
        } else {
            side = fill.side
            size = try size + fill.quantity
            entryCost = try entryCost + value
        }
        realised = try realised - fill.fee
        realisedPnL = try realisedPnL + realised
        feesPaid = try feesPaid + fill.fee
        return realised
    }

    /// A funding settlement: `paid` > 0 left the account, < 0 came in.
    public mutating func applyFunding(paid: Money) throws {
        fundingPaid = try fundingPaid + paid
        realisedPnL = try realisedPnL - paid
    }

    /// The average entry price of the open size at `scale` decimals, nil when flat.
    public func averageEntryPrice(scale: UInt8) throws -> Price? {
        guard size.isPositive else { return nil }
        return Price(try entryCost.value.divided(by: size.value, scale: scale, rounding: .nearest))
    }

    /// What closing the open size at `mark` would realise, before fees.
    public func unrealisedPnL(at mark: Price) throws -> Money {
        guard let side else { return .zero }
        let value = try mark * size
        return side == .buy ? try value - entryCost : try entryCost - value
    }
}
