import Core

/// How far one order has got, as Keel recorded it or as a venue report says: the status (nil
/// while Keel is still submitting it and the venue has not answered), the quantity filled so
/// far, and the venue's `updatedTime` of the report.
public struct OrderProgress: Sendable, Hashable {
    public var status: OrderStatus?
    public var filledQuantity: Quantity
    public var venueUpdatedAt: Timestamp?

    public init(status: OrderStatus?, filledQuantity: Quantity, venueUpdatedAt: Timestamp?) {
        self.status = status
        self.filledQuantity = filledQuantity
        self.venueUpdatedAt = venueUpdatedAt
    }
}

/// What to do with a venue report about an order Keel has recorded.
public enum OrderReportVerdict: Sendable, Hashable {
    /// Newer than the record: record it.
    case apply
    /// Says what is recorded already.
    case duplicate
    /// Older than the record (an earlier `updatedTime`, or less filled): a late delivery; the
    /// record stands.
    case stale(String)
    /// A step no order can take (out of a terminal state, backwards): the record stands and
    /// an operator is told.
    case impossible(String)

    public var isApplied: Bool { self == .apply }
}

/// The order state machine: Untriggered → Triggered → New → PartiallyFilled → Filled, with
/// Cancelled, Rejected and Deactivated as the other ends. Reports may skip states (a stream
/// that dropped pushes, a poll that came late), so any step forward is allowed; nothing goes
/// back, nothing leaves a terminal state, and the filled quantity never shrinks.
public enum OrderStateMachine {
    /// The order of the states; the terminal ones share the last rank.
    static func rank(_ status: OrderStatus) -> Int {
        switch status {
        case .untriggered: 0
        case .triggered: 1
        case .new: 2
        case .partiallyFilled: 3
        case .filled, .cancelled, .rejected, .deactivated: 4
        }
    }

    /// Whether an order in `from` (nil: submitted, not yet acknowledged) can be reported in `to`.
    public static func canMove(from: OrderStatus?, to: OrderStatus) -> Bool {
        guard let from else { return true }
        if from.isTerminal { return false }
        if from == .partiallyFilled, to == .partiallyFilled { return true }
        return rank(to) > rank(from) || from == to
    }

    /// Judges `report` against what is `recorded`.
    public static func judge(recorded: OrderProgress, report: OrderProgress) -> OrderReportVerdict {
        guard let reported = report.status else { return .stale("a report without a status") }
        if let recordedTime = recorded.venueUpdatedAt, let reportTime = report.venueUpdatedAt, reportTime < recordedTime {
            return .stale("updated \(reportTime.milliseconds) ms, before the recorded \(recordedTime.milliseconds) ms")
        }
        if report.filledQuantity < recorded.filledQuantity {
            return .stale("filled \(report.filledQuantity), less than the recorded \(recorded.filledQuantity)")
        }
        if reported == recorded.status, report.filledQuantity == recorded.filledQuantity { return .duplicate }
        guard canMove(from: recorded.status, to: reported) else {
            return .impossible("\(recorded.status?.rawValue ?? "Submitting") cannot become \(reported.rawValue)")
        }
        return .apply
    }
}
