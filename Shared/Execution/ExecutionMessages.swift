import Bus
import Core
import Exchange
import Schemas

/// What execution publishes, keyed by symbol (equity by account): `exec.orders.v1`,
/// `exec.fills.v1`, `exec.positions.v1`, `account.equity.v1`.
enum ExecutionMessages {
    static func order(_ order: RecordedOrder, venue: Keel_V1_Venue) throws -> OutgoingMessage {
        var update = Keel_V1_OrderUpdate()
        update.orderID = order.intentID
        update.clientOrderID = order.clientOrderID
        update.venueOrderID = order.venueOrderID ?? ""
        update.intentID = order.intentID
        update.symbol = order.symbol.rawValue
        update.venue = venue
        update.side = Keel_V1_Side(order.side)
        update.role = role(order.role)
        update.status = status(order.status)
        if let limit = order.limitPrice {
            update.orderType = .limit
            update.timeInForce = .gtc
            update.price = Keel_V1_Decimal(limit)
        } else {
            update.orderType = .market
            update.timeInForce = .ioc
        }
        update.reduceOnly = order.reduceOnly
        update.qty = Keel_V1_Decimal(order.quantity)
        update.filledQty = Keel_V1_Decimal(order.filledQuantity)
        if let average = order.averagePrice { update.avgFillPrice = Keel_V1_Decimal(average) }
        update.feesPaid = Keel_V1_Decimal(order.feesPaid)
        update.rejectReason = order.rejectReason
        update.timeMs = order.updatedAt.milliseconds
        update.createdMs = order.createdAt.milliseconds
        return OutgoingMessage(topic: Topic.execOrders.rawValue, key: order.symbol.rawValue, value: try update.serializedBytes())
    }

    /// An order's role as recorded (`exec_orders.role`, or a fill's venue stop).
    static func role(_ recorded: String) -> Keel_V1_OrderRole {
        switch recorded {
        case "entry": .entry
        case "exit": .exit
        case "take_profit": .takeProfit
        case "stop_loss": .stopLoss
        case "trailing_stop": .trailingStop
        default: .unspecified  // adopted: not placed by Keel
        }
    }

    static func fill(_ fill: Fill, context: FillContext, venue: Keel_V1_Venue) throws -> OutgoingMessage {
        var message = Keel_V1_Fill()
        message.fillID = fill.id
        message.venueOrderID = fill.orderID
        message.clientOrderID = context.clientOrderID
        message.intentID = context.intentID
        message.role = role(context.role)
        message.realisedPnl = Keel_V1_Decimal(context.realisedPnL)
        message.symbol = fill.symbol.rawValue
        message.venue = venue
        message.side = Keel_V1_Side(fill.side)
        message.price = Keel_V1_Decimal(fill.price)
        message.qty = Keel_V1_Decimal(fill.quantity)
        message.fee = Keel_V1_Decimal(fill.fee)
        message.feeCurrency = fill.feeCurrency
        message.isMaker = fill.isMaker
        message.timeMs = fill.time.milliseconds
        return OutgoingMessage(topic: Topic.execFills.rawValue, key: fill.symbol.rawValue, value: try message.serializedBytes())
    }

    static func position(
        _ position: Position, details: BybitPositionRecord?, costs: (fees: Money, funding: Money), sequence: UInt64,
        venue: Keel_V1_Venue, at time: Timestamp
    ) throws -> OutgoingMessage {
        var snapshot = Keel_V1_PositionSnapshot(position, venue: venue, sequence: sequence, at: time)
        snapshot.feesPaid = Keel_V1_Decimal(costs.fees)
        snapshot.fundingPaid = Keel_V1_Decimal(costs.funding)
        if let details {
            snapshot.markPrice = Keel_V1_Decimal(details.markPrice)
            snapshot.unrealisedPnl = Keel_V1_Decimal(details.unrealisedPnL)
            if let stop = details.stopLoss { snapshot.stopLoss = Keel_V1_Decimal(stop) }
            if let target = details.takeProfit { snapshot.takeProfit = Keel_V1_Decimal(target) }
            if let liquidation = details.liquidationPrice { snapshot.liquidationPrice = Keel_V1_Decimal(liquidation) }
        }
        return OutgoingMessage(
            topic: Topic.execPositions.rawValue, key: position.symbol.rawValue, value: try snapshot.serializedBytes())
    }

    static func equity(_ wallet: BybitWalletBalance, account: String, venue: Keel_V1_Venue, at time: Timestamp) throws -> OutgoingMessage {
        var snapshot = Keel_V1_EquitySnapshot()
        snapshot.account = account
        snapshot.venue = venue
        snapshot.currency = "USDT"
        snapshot.equity = Keel_V1_Decimal(wallet.totalEquity)
        snapshot.walletBalance = Keel_V1_Decimal(wallet.totalWalletBalance)
        snapshot.availableBalance = Keel_V1_Decimal(wallet.totalAvailableBalance)
        snapshot.unrealisedPnl = Keel_V1_Decimal(wallet.totalPerpUPL)
        snapshot.marginUsed = Keel_V1_Decimal(wallet.totalInitialMargin)
        snapshot.timeMs = time.milliseconds
        return OutgoingMessage(topic: Topic.accountEquity.rawValue, key: account, value: try snapshot.serializedBytes())
    }

    private static func status(_ text: String) -> Keel_V1_OrderStatus {
        switch OrderStatus(rawValue: text) {
        case .new: .new
        case .partiallyFilled: .partiallyFilled
        case .filled: .filled
        case .cancelled: .cancelled
        case .rejected: .rejected
        case .untriggered: .untriggered
        case .triggered: .triggered
        case .deactivated: .deactivated
        case nil: .unspecified  // still submitting: the venue has not answered yet
        }
    }
}
