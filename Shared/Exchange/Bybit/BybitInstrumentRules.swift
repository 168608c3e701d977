import Core

/// Trading status of a Bybit instrument.
public enum BybitInstrumentStatus: String, Sendable, Hashable, CaseIterable {
    case preLaunch = "PreLaunch"
    case trading = "Trading"
    case delivering = "Delivering"
    case closed = "Closed"
}

/// The order rules of one linear instrument, from an instruments-info list item
/// (`priceFilter`, `lotSizeFilter`, `leverageFilter`).
public struct InstrumentRules: Sendable, Hashable {
    public let symbol: Symbol
    public let status: BybitInstrumentStatus
    public let minPrice: Price
    public let maxPrice: Price
    public let tickSize: Price
    public let qtyStep: Quantity
    public let minOrderQty: Quantity
    /// The largest limit order.
    public let maxOrderQty: Quantity
    /// The largest market order.
    public let maxMarketOrderQty: Quantity
    /// The smallest order value (price × qty) in the quote currency.
    public let minNotional: Money
    public let minLeverage: FixedPoint
    public let maxLeverage: FixedPoint
    public let leverageStep: FixedPoint

    public init(
        symbol: Symbol, status: BybitInstrumentStatus,
        minPrice: Price, maxPrice: Price, tickSize: Price,
        qtyStep: Quantity, minOrderQty: Quantity, maxOrderQty: Quantity, maxMarketOrderQty: Quantity,
        minNotional: Money,
        minLeverage: FixedPoint, maxLeverage: FixedPoint, leverageStep: FixedPoint
    ) {
        self.symbol = symbol
        self.status = status
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.tickSize = tickSize
        self.qtyStep = qtyStep
        self.minOrderQty = minOrderQty
        self.maxOrderQty = maxOrderQty
        self.maxMarketOrderQty = maxMarketOrderQty
        self.minNotional = minNotional
        self.minLeverage = minLeverage
        self.maxLeverage = maxLeverage
        self.leverageStep = leverageStep
    }
}

extension InstrumentRules: Decodable {
    enum CodingKeys: String, CodingKey {
        case symbol, status, priceFilter, lotSizeFilter, leverageFilter
    }
    enum PriceKeys: String, CodingKey { case minPrice, maxPrice, tickSize }
    enum LotKeys: String, CodingKey { case maxOrderQty, maxMktOrderQty, minOrderQty, qtyStep, minNotionalValue }
    enum LeverageKeys: String, CodingKey { case minLeverage, maxLeverage, leverageStep }

    public init(from decoder: any Decoder) throws {
        let item = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try item.bybitSymbol(.symbol)
        let statusText = try item.bybitString(.status)
        guard let status = BybitInstrumentStatus(rawValue: statusText) else {
            throw BybitDecodingError(.unknownEnumValue(statusText), field: jsonPath(item.codingPath + [CodingKeys.status]))
        }
        self.status = status

        let price = try item.nestedContainer(keyedBy: PriceKeys.self, forKey: .priceFilter)
        minPrice = Price(try price.bybitDecimal(.minPrice))
        maxPrice = Price(try price.bybitDecimal(.maxPrice))
        tickSize = Price(try price.bybitDecimal(.tickSize))

        let lot = try item.nestedContainer(keyedBy: LotKeys.self, forKey: .lotSizeFilter)
        maxOrderQty = Quantity(try lot.bybitDecimal(.maxOrderQty))
        maxMarketOrderQty = Quantity(try lot.bybitDecimal(.maxMktOrderQty))
        minOrderQty = Quantity(try lot.bybitDecimal(.minOrderQty))
        qtyStep = Quantity(try lot.bybitDecimal(.qtyStep))
        minNotional = Money(try lot.bybitDecimal(.minNotionalValue))

        let leverage = try item.nestedContainer(keyedBy: LeverageKeys.self, forKey: .leverageFilter)
        minLeverage = try leverage.bybitDecimal(.minLeverage)
        maxLeverage = try leverage.bybitDecimal(.maxLeverage)
        leverageStep = try leverage.bybitDecimal(.leverageStep)

        let here = jsonPath(item.codingPath)
        guard tickSize.isPositive else {
            throw BybitDecodingError(.invalidValue("tickSize \(tickSize) must be > 0"), field: here)
        }
        guard qtyStep.isPositive else {
            throw BybitDecodingError(.invalidValue("qtyStep \(qtyStep) must be > 0"), field: here)
        }
        guard leverageStep.isPositive, minLeverage.isPositive, minLeverage <= maxLeverage else {
            throw BybitDecodingError(
                .invalidValue("leverage filter min \(minLeverage) max \(maxLeverage) step \(leverageStep) is inconsistent"),
                field: here)
        }
        guard minOrderQty <= maxOrderQty, minOrderQty <= maxMarketOrderQty else {
            throw BybitDecodingError(
                .invalidValue("minOrderQty \(minOrderQty) exceeds maxOrderQty \(maxOrderQty) or maxMktOrderQty \(maxMarketOrderQty)"),
                field: here)
        }
    }
}

/// One page of `GET /v5/market/instruments-info`.
public struct BybitInstrumentsPage: Sendable, Hashable, Decodable {
    public let category: String
    public let instruments: [InstrumentRules]
    /// The cursor of the next page, or nil on the last page (Bybit sends "").
    public let nextPageCursor: String?

    enum CodingKeys: String, CodingKey { case category, list, nextPageCursor }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.bybitString(.category)
        guard container.contains(.list) else {
            throw BybitDecodingError(.missingField, field: jsonPath(container.codingPath + [CodingKeys.list]))
        }
        instruments = try container.decode([InstrumentRules].self, forKey: .list)
        var cursor = ""
        if container.contains(.nextPageCursor), try !container.decodeNil(forKey: .nextPageCursor) {
            cursor = try container.bybitString(.nextPageCursor)
        }
        nextPageCursor = cursor.isEmpty ? nil : cursor
    }
}
