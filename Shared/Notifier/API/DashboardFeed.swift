import Hummingbird
import ServiceLifecycle
import Synchronization

/// What the dashboard shows, as one JSON object (`/api/snapshot`, and every event of
/// `/api/stream`): `control`, `positions`, `orders`, `fills`, `decisions`, `equity` (the curve,
/// newest first), `stats` and, when the service health is wired in, `health`. One snapshot is
/// built per interval however many dashboards are open, and at most `maximumStreams` streams
/// are served at once.
public final class DashboardFeed: Sendable {
    /// Rows of each list the dashboard shows.
    public static let recentRows = 25
    /// Equity points of the curve.
    public static let curvePoints = 1000
    /// A stream ends after this long; the page reconnects (so no connection lives forever).
    public static let streamLifetime = Duration.seconds(300)
    /// A comment line is sent when nothing changed for this long, so proxies keep the stream.
    static let keepAliveEvery = Duration.seconds(10)

    let queries: DashboardQueries
    let health: (@Sendable () async throws -> String)?
    let interval: Duration
    let maximumStreams: Int
    private let cache = SharedRefresh<String>()
    private let openStreams = Mutex(0)

    public init(
        queries: DashboardQueries, interval: Duration, maximumStreams: Int, health: (@Sendable () async throws -> String)? = nil
    ) {
        self.queries = queries
        self.interval = interval
        self.maximumStreams = maximumStreams
        self.health = health
    }

    /// The latest snapshot: the cached one while it is younger than the interval.
    public func snapshot() async throws -> String {
        let (seconds, attoseconds) = interval.components
        let intervalMs = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return try await cache.value(now: .systemNow(), maximumAgeMs: intervalMs) { try await self.build() }.value
    }

    private func build() async throws -> String {
        var parts = [
            ("control", try await queries.control()),
            ("positions", try await queries.positions()),
            ("orders", try await queries.orders(limit: Self.recentRows)),
            ("fills", try await queries.fills(limit: Self.recentRows)),
            ("decisions", try await queries.decisions(limit: Self.recentRows)),
            ("equity", try await queries.equity(limit: Self.curvePoints)),
            ("stats", try await queries.strategyStats()),
        ]
        if let health {
            // Health that cannot be read (the broker away, say) is shown as such, not as no dashboard.
            let text = (try? await health()) ?? #"{"error":"service health could not be read; see the notifier's log"}"#
            parts.append(("health", text))
        }
        return "{" + parts.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// `/api/stream`: Server-Sent Events, a `snapshot` event whenever the snapshot changed.
    /// A stream counts as open while its body is being written (a client gone before that
    /// never holds a place).
    public func stream() throws -> Response {
        guard openStreams.withLock({ $0 }) < maximumStreams else {
            throw HTTPError(.serviceUnavailable, message: "\(maximumStreams) live streams are open already (notifier.api.max_streams)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                self.openStreams.withLock { $0 += 1 }
                defer { self.openStreams.withLock { $0 -= 1 } }
                try await self.send(to: &writer)
                try await writer.finish(nil)
            })
    }

    /// One Server-Sent Event; every line of `data` gets its own `data:` field (PostgreSQL's
    /// JSON has line breaks), which the reader joins back with line breaks.
    static func event(_ name: String, data: String) -> String {
        "event: \(name)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }

    private func send(to writer: inout any ResponseBodyWriter) async throws {
        let ends = ContinuousClock.now + Self.streamLifetime
        var sent: String?
        var lastWrite = ContinuousClock.now
        // Between events the stream waits; it ends with the service's graceful shutdown.
        while !Task.isCancelled, !Task.isShuttingDownGracefully, ContinuousClock.now < ends {
            let snapshot = try await snapshot()
            if snapshot != sent {
                try await writer.write(ByteBuffer(string: Self.event("snapshot", data: snapshot)))
                sent = snapshot
                lastWrite = .now
            } else if ContinuousClock.now - lastWrite >= Self.keepAliveEvery {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = .now
            }
            try? await Task.sleep(for: interval)
        }
    }
}
