import Core
import Store
import Synchronization

/// One UTC day's trading, as the daily summary reports it. Money is exact; the text rounds it
/// to cents.
public struct DayFigures: Sendable, Hashable {
    /// The day's largest fall of equity from its running peak, and that peak.
    public struct Drawdown: Sendable, Hashable {
        public var fall: Money
        public var peak: Money

        public init(fall: Money, peak: Money) {
            self.fall = fall
            self.peak = peak
        }
    }

    /// Midnight UTC at the start of the day.
    public var day: Timestamp
    /// Realised PnL of the day's fills, net of their fees.
    public var realisedPnL: Money
    public var fills: Int
    public var fees: Money
    /// Funding settled that day; positive means paid.
    public var fundingPaid: Money
    /// Trades closed that day (`ClosedTrades`), and those of them that realised more than nothing.
    public var closedTrades: Int
    public var winningTrades: Int
    /// The latest equity, when the summary is made.
    public var equity: Money?
    /// nil without equity snapshots that day.
    public var drawdown: Drawdown?

    public init(
        day: Timestamp, realisedPnL: Money, fills: Int, fees: Money, fundingPaid: Money, closedTrades: Int, winningTrades: Int,
        equity: Money?, drawdown: Drawdown?
    ) {
        self.day = day
        self.realisedPnL = realisedPnL
        self.fills = fills
        self.fees = fees
        self.fundingPaid = fundingPaid
        self.closedTrades = closedTrades
        self.winningTrades = winningTrades
        self.equity = equity
        self.drawdown = drawdown
    }
}

/// The daily summary (pure): which day is due when, its dedupe key and its text.
public enum DailySummary {
    static let dayMs: Int64 = 86_400_000

    /// The day (its midnight UTC) whose summary is due at `now`: the one before the latest
    /// `hourUTC` o'clock that has passed.
    public static func dueDay(at now: Timestamp, hourUTC: Int) -> Timestamp {
        let shifted = now.milliseconds - Int64(hourUTC) * 3_600_000
        let today = (shifted >= 0 ? shifted / dayMs : (shifted - dayMs + 1) / dayMs)
        return Timestamp(milliseconds: (today - 1) * dayMs)
    }

    /// The outbox key that makes a day's summary go out once per recipient, whichever
    /// notifier instance queues it and however often.
    public static func dedupeKey(day: Timestamp) -> String {
        "daily-summary:\(date(day))"
    }

    public static func text(_ figures: DayFigures) throws -> String {
        var lines = ["📊 Daily summary · \(date(figures.day)) (UTC)"]
        lines.append("Realised PnL: \(try usdt(figures.realisedPnL)) (net of \(try usdt(figures.fees)) fees) over \(figures.fills) fill\(figures.fills == 1 ? "" : "s")")
        if figures.closedTrades == 0 {
            lines.append("Closed trades: none")
        } else {
            let rate = try FixedPoint(integer: Int64(figures.winningTrades) * 100)
                .divided(by: FixedPoint(integer: Int64(figures.closedTrades)), scale: 1, rounding: .nearest)
            lines.append("Closed trades: \(figures.closedTrades) · won \(figures.winningTrades) · win rate \(rate) %")
        }
        let net = try figures.realisedPnL - figures.fundingPaid
        lines.append("Funding paid: \(try usdt(figures.fundingPaid)) · net after funding: \(try usdt(net))")
        lines.append("Equity now: " + (try figures.equity.map(usdt) ?? "not reported yet"))
        if let drawdown = figures.drawdown, drawdown.peak.isPositive {
            let percent = try drawdown.fall.value.multiplied(by: FixedPoint(integer: 100))
                .divided(by: drawdown.peak.value, scale: 2, rounding: .nearest)
            lines.append("Day's max drawdown: \(try usdt(drawdown.fall)) (\(percent) % below \(try usdt(drawdown.peak)))")
        } else {
            lines.append("Day's max drawdown: no equity reported that day")
        }
        return lines.joined(separator: "\n")
    }

    /// "2026-12-05".
    static func date(_ day: Timestamp) -> String { String(day.description.prefix(10)) }

    /// "1234.57 USDT": rounded to the cent, half away from zero.
    static func usdt(_ money: Money) throws -> String {
        "\(try money.value.rounded(scale: 2, mode: .nearest)) USDT"
    }
}

/// Makes the daily summary from what execution recorded and hands it out once per day per
/// instance; the outbox's dedupe key keeps it to once per recipient across instances and restarts.
public final class DailySummaries: Sendable {
    public let pool: PostgresPool
    public let hourUTC: Int
    let clock: any TradingClock
    /// The day this instance last handed out.
    private let handedOut = Mutex<Timestamp?>(nil)

    public init(pool: PostgresPool, hourUTC: Int, clock: any TradingClock = LiveClock()) {
        self.pool = pool
        self.hourUTC = hourUTC
        self.clock = clock
    }

    /// Hands the summary due now to `queue` (key, text) unless this instance already did;
    /// returns the day handed out.
    @discardableResult
    public func queueDue(_ queue: @Sendable (_ key: String, _ text: String) async throws -> Void) async throws -> Timestamp? {
        let now = clock.now()
        let day = DailySummary.dueDay(at: now, hourUTC: hourUTC)
        guard handedOut.withLock({ $0 }) != day else { return nil }
        let text = try DailySummary.text(try await figures(day: day))
        try await queue(DailySummary.dedupeKey(day: day), text)
        handedOut.withLock { $0 = day }
        return day
    }

    /// The figures of the UTC day starting at `day`.
    public func figures(day: Timestamp) async throws -> DayFigures {
        let end = day.milliseconds + DailySummary.dayMs
        let row = try await pool.execute(
            """
            WITH fills AS (
                SELECT coalesce(sum(realised_pnl), 0) AS realised, count(*) AS fills, coalesce(sum(fee), 0) AS fees
                FROM exec_fills WHERE filled_at >= $1 AND filled_at < $2
            ), trades AS (
                SELECT pnl FROM (\(ClosedTrades.select)) AS closed WHERE closed_at >= $1 AND closed_at < $2
            ), falls AS (
                SELECT max(equity) OVER (ORDER BY recorded_at) - equity AS fall,
                       max(equity) OVER (ORDER BY recorded_at) AS peak
                FROM account_equity WHERE recorded_at >= $1 AND recorded_at < $2
            )
            SELECT fills.realised::text, fills.fills, fills.fees::text,
                   (SELECT coalesce(sum(paid), 0)::text FROM exec_funding WHERE paid_at >= $1 AND paid_at < $2),
                   (SELECT count(*) FROM trades), (SELECT count(*) FROM trades WHERE pnl > 0),
                   (SELECT equity::text FROM account_equity ORDER BY recorded_at DESC LIMIT 1),
                   worst.fall::text, worst.peak::text
            FROM fills LEFT JOIN LATERAL (SELECT fall, peak FROM falls ORDER BY fall DESC, peak DESC LIMIT 1) AS worst ON true
            """, [day.milliseconds, end]
        ).single()
        let money = { (text: String) in Money(try FixedPoint(parsing: text)) }
        let drawdown = try row.optionalString(7).map { DayFigures.Drawdown(fall: try money($0), peak: try money(row.string(8))) }
        return DayFigures(
            day: day, realisedPnL: try money(row.string(0)), fills: try row.int(1), fees: try money(row.string(2)),
            fundingPaid: try money(row.string(3)), closedTrades: try row.int(4), winningTrades: try row.int(5),
            equity: try row.optionalString(6).map(money), drawdown: drawdown)
    }
}
