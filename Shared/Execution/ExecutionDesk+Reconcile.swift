import Core
import Exchange
import OrderManagement

extension ExecutionDesk {
    /// Brings the records up to the venue's state over REST — the venue is the truth for what
    /// exists: orders that went quiet (and those never answered), every fill since the last one
    /// recorded, the positions (compared with what Keel's fills add up to), open orders Keel
    /// does not know (handled by the orphan policy), the equity; then moves every trade on.
    /// Runs at start, before any approval is taken, and then as the polling fallback of the
    /// stream and the circuit breaker's probe.
    public func reconcile() async throws {
        // The venue's clock may run at its own pace (a replay); trades are judged by it.
        _ = try await venueCall { try await self.client.synchronizeTime() }
        let now = clock.now()
        for (link, symbol) in try await ledger.unsettledOrders(quietSince: now.adding(milliseconds: -settings.stuckOrderMs))
        where !sending.contains(link) {
            guard let venueOrder = try await venueCall({ try await self.client.order(symbol: symbol, orderLinkID: link) }) else {
                // Never reached the venue: its approval was not committed (it comes again), or a
                // trade's order that the trade's next look sends again.
                continue
            }
            try await record(BybitOrderUpdate(order: try venueOrder.order(), updatedTime: venueOrder.updatedTime))
            for fill in try await venueCall({ try await self.client.executions(symbol: symbol, orderID: venueOrder.orderID) }) {
                try await record(fill)
            }
        }
        for symbol in settings.symbols {
            // A minute back from the newest fill: fills of one instant may straddle it.
            let since = try await ledger.latestFillTime(symbol: symbol).map { $0.adding(milliseconds: -60_000) }
            let activity = try await venueCall { try await self.client.activity(symbol: symbol, since: since) }
            for fill in activity.fills { try await record(fill) }
            for payment in activity.funding { try await ledger.record(payment) }
            if let position = try await venueCall({ try await self.client.position(symbol: symbol) }) {
                let venuePosition = try position.position()
                try await record(venuePosition, details: position, venueTime: position.updatedTime)
                if let difference = Reconciliation.positionDifference(
                    recorded: try await ledger.positionFromFills(symbol: symbol), venue: venuePosition) {
                    try await report(difference, action: "recorded the venue's position")
                }
            }
            try await handleUnknownOrders(symbol)
        }
        try await ledger.linkStrayFills()
        try await record(try await venueCall { try await self.client.walletBalance(coin: "USDT") })
        try await manageAllTrades()
    }

    /// Open venue orders of `symbol` Keel has no record of: reported always, then adopted or
    /// cancelled by the orphan policy.
    private func handleUnknownOrders(_ symbol: Symbol) async throws {
        let open = try await venueCall { try await self.client.openOrders(symbol: symbol) }
        var known: Set<String> = []
        for order in open where try await ledger.knows(clientOrderID: order.orderLinkID, venueOrderID: order.orderID) {
            known.insert(order.orderID)
        }
        let summaries = open.map {
            VenueOpenOrder(venueOrderID: $0.orderID, clientOrderID: $0.orderLinkID, symbol: $0.symbol, side: $0.side,
                           quantity: $0.quantity, reduceOnly: $0.reduceOnly)
        }
        for case .unknownOrder(let orphan) in Reconciliation.unknownOrders(summaries, isKnown: { known.contains($0.venueOrderID) }) {
            guard let record = open.first(where: { $0.orderID == orphan.venueOrderID }) else { continue }
            switch settings.orphans {
            case .report:
                break
            case .adopt:
                try await ledger.adopt(record, at: clock.now())
            case .cancel:
                _ = try await venueCall { try await self.client.cancelOrder(symbol: symbol, orderID: record.orderID) }
            }
            try await report(.unknownOrder(orphan), action: Self.orphanAction(settings.orphans))
        }
    }

    static func orphanAction(_ policy: OrphanPolicy) -> String {
        switch policy {
        case .report: "left working (orphan_orders: report)"
        case .adopt: "adopted: followed as Keel's from now on"
        case .cancel: "cancelled on the venue"
        }
    }

    /// Records a discrepancy and alerts on it (one alert per discrepancy: its id is stable).
    private func report(_ discrepancy: Discrepancy, action: String) async throws {
        logger.warning("venue and records differ", metadata: [
            "kind": "\(discrepancy.kind)", "symbol": "\(discrepancy.symbol)", "detail": "\(discrepancy.detail)", "action": "\(action)",
        ])
        try await ledger.recordAnomaly(
            kind: discrepancy.kind, symbol: discrepancy.symbol, detail: discrepancy.detail, action: action, at: clock.now())
        try await alert(
            id: "execution:\(discrepancy.kind):\(discrepancy.symbol):\(discrepancy.detail.hashValue)", severity: .warning,
            title: "Venue and Keel differ: \(discrepancy.kind.replacingOccurrences(of: "_", with: " "))",
            text: "\(discrepancy.symbol): \(discrepancy.detail). \(action).", symbol: discrepancy.symbol)
    }
}
