import Core

/// An order to check against an instrument's rules before it is sent.
public struct BybitOrderCheck: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A limit order at `price`.
        case limit(price: Price)
        /// A market order; `referencePrice` (e.g. the mark or the opposite best price) values
        /// its notional for the minimum-notional rule.
        case market(referencePrice: Price)
    }

    public let side: Side
    public let quantity: Quantity
    public let kind: Kind
    /// The leverage the order will be placed with, or nil when leverage is not being set.
    public let leverage: FixedPoint?

    public init(side: Side, quantity: Quantity, kind: Kind, leverage: FixedPoint? = nil) {
        self.side = side
        self.quantity = quantity
        self.kind = kind
        self.leverage = leverage
    }
}

/// The instrument rule an order breaks, with the values involved.
public enum InstrumentRuleViolation: Error, Sendable, Hashable, CustomStringConvertible {
    case notTrading(symbol: Symbol, status: BybitInstrumentStatus)
    case priceNotOnTick(symbol: Symbol, price: Price, tickSize: Price)
    case priceOutOfRange(symbol: Symbol, price: Price, minPrice: Price, maxPrice: Price)
    case quantityNotOnStep(symbol: Symbol, quantity: Quantity, qtyStep: Quantity)
    case quantityBelowMinimum(symbol: Symbol, quantity: Quantity, minOrderQty: Quantity)
    case quantityAboveMaximum(symbol: Symbol, quantity: Quantity, maxOrderQty: Quantity)
    case marketQuantityAboveMaximum(symbol: Symbol, quantity: Quantity, maxMarketOrderQty: Quantity)
    case notionalBelowMinimum(symbol: Symbol, notional: Money, minNotional: Money)
    case leverageOutOfRange(symbol: Symbol, leverage: FixedPoint, minLeverage: FixedPoint, maxLeverage: FixedPoint)
    case leverageNotOnStep(symbol: Symbol, leverage: FixedPoint, leverageStep: FixedPoint)
    /// The values are too large to compute with exactly.
    case arithmetic(symbol: Symbol, detail: String)

    /// A stable name of the rule, for metrics and rejection reasons.
    public var rule: String {
        switch self {
        case .notTrading: return "status"
        case .priceNotOnTick: return "tickSize"
        case .priceOutOfRange: return "priceRange"
        case .quantityNotOnStep: return "qtyStep"
        case .quantityBelowMinimum: return "minOrderQty"
        case .quantityAboveMaximum: return "maxOrderQty"
        case .marketQuantityAboveMaximum: return "maxMktOrderQty"
        case .notionalBelowMinimum: return "minNotionalValue"
        case .leverageOutOfRange: return "leverageRange"
        case .leverageNotOnStep: return "leverageStep"
        case .arithmetic: return "arithmetic"
        }
    }

    public var description: String {
        switch self {
        case .notTrading(let symbol, let status):
            return "\(symbol): instrument status is \(status.rawValue), not Trading"
        case .priceNotOnTick(let symbol, let price, let tick):
            return "\(symbol): price \(price) is not a multiple of tick size \(tick)"
        case .priceOutOfRange(let symbol, let price, let low, let high):
            return "\(symbol): price \(price) is outside \(low) ... \(high)"
        case .quantityNotOnStep(let symbol, let quantity, let step):
            return "\(symbol): quantity \(quantity) is not a multiple of qty step \(step)"
        case .quantityBelowMinimum(let symbol, let quantity, let minimum):
            return "\(symbol): quantity \(quantity) is below the minimum order qty \(minimum)"
        case .quantityAboveMaximum(let symbol, let quantity, let maximum):
            return "\(symbol): quantity \(quantity) is above the maximum order qty \(maximum)"
        case .marketQuantityAboveMaximum(let symbol, let quantity, let maximum):
            return "\(symbol): quantity \(quantity) is above the maximum market order qty \(maximum)"
        case .notionalBelowMinimum(let symbol, let notional, let minimum):
            return "\(symbol): order value \(notional) is below the minimum notional \(minimum)"
        case .leverageOutOfRange(let symbol, let leverage, let low, let high):
            return "\(symbol): leverage \(leverage) is outside \(low) ... \(high)"
        case .leverageNotOnStep(let symbol, let leverage, let step):
            return "\(symbol): leverage \(leverage) is not a multiple of leverage step \(step)"
        case .arithmetic(let symbol, let detail):
            return "\(symbol): cannot check the order exactly: \(detail)"
        }
    }
}

extension InstrumentRules {
    /// Refuses an order that breaks a rule, naming the first rule broken (status, leverage,
    /// quantity step and bounds, price tick and range, minimum notional, in that order).
    public func validate(order: BybitOrderCheck) throws(InstrumentRuleViolation) {
        guard status == .trading else { throw .notTrading(symbol: symbol, status: status) }

        if let leverage = order.leverage {
            guard minLeverage <= leverage, leverage <= maxLeverage else {
                throw .leverageOutOfRange(symbol: symbol, leverage: leverage, minLeverage: minLeverage, maxLeverage: maxLeverage)
            }
            guard leverage.isMultiple(of: leverageStep) else {
                throw .leverageNotOnStep(symbol: symbol, leverage: leverage, leverageStep: leverageStep)
            }
        }

        let quantity = order.quantity
        guard quantity.isMultiple(ofStep: qtyStep) else {
            throw .quantityNotOnStep(symbol: symbol, quantity: quantity, qtyStep: qtyStep)
        }
        guard quantity >= minOrderQty, quantity.isPositive else {
            throw .quantityBelowMinimum(symbol: symbol, quantity: quantity, minOrderQty: minOrderQty)
        }

        let valuationPrice: Price
        switch order.kind {
        case .limit(let price):
            guard quantity <= maxOrderQty else {
                throw .quantityAboveMaximum(symbol: symbol, quantity: quantity, maxOrderQty: maxOrderQty)
            }
            guard price.isMultiple(ofTick: tickSize) else {
                throw .priceNotOnTick(symbol: symbol, price: price, tickSize: tickSize)
            }
            guard minPrice <= price, price <= maxPrice, price.isPositive else {
                throw .priceOutOfRange(symbol: symbol, price: price, minPrice: minPrice, maxPrice: maxPrice)
            }
            valuationPrice = price
        case .market(let referencePrice):
            guard quantity <= maxMarketOrderQty else {
                throw .marketQuantityAboveMaximum(symbol: symbol, quantity: quantity, maxMarketOrderQty: maxMarketOrderQty)
            }
            valuationPrice = referencePrice
        }

        let notional: Money
        do {
            notional = try valuationPrice * quantity
        } catch {
            throw .arithmetic(symbol: symbol, detail: "\(valuationPrice) × \(quantity): \(error)")
        }
        guard notional >= minNotional else {
            throw .notionalBelowMinimum(symbol: symbol, notional: notional, minNotional: minNotional)
        }
    }

    /// `price` on the tick grid, rounded with `mode` (e.g. `.down` for a buy limit, `.up` for a
    /// sell limit, so the order is never more aggressive than asked).
    public func roundPrice(_ price: Price, mode: RoundingMode) throws -> Price {
        try price.rounded(toTick: tickSize, mode: mode)
    }

    /// `quantity` rounded down to the quantity step, so an order never exceeds its budget.
    public func roundQuantityDown(_ quantity: Quantity) throws -> Quantity {
        try quantity.rounded(toStep: qtyStep, mode: .towardZero)
    }
}
