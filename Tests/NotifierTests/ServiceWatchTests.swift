import Core
import Notifier
import Schemas
import Testing

@Suite("Service down and up")
struct ServiceWatchTests {
    static let grace: Int64 = 30_000
    static let now = Timestamp(milliseconds: 1_000_000)

    static func seen(_ service: String, live: Int, lastSeen: Int64, cleanly: Bool = false) -> ServiceSighting {
        ServiceSighting(service: service, liveInstances: live, lastSeen: Timestamp(milliseconds: lastSeen), lastStoppedCleanly: cleanly)
    }

    static func changes(_ known: [String: ServiceState], _ sightings: [ServiceSighting], now: Timestamp = now) -> [ServiceChange] {
        ServiceWatch.changes(known: known, sightings: sightings, now: now, downAfterMs: grace)
    }

    @Test("no live instance and the last heartbeat older than the grace period: down, once")
    func down() {
        let crashed = Self.seen("risk", live: 0, lastSeen: 960_000)
        #expect(Self.changes([:], [crashed]) == [.down(service: "risk", since: Timestamp(milliseconds: 960_000), cleanly: false)])
        #expect(Self.changes(["risk": .up], [crashed]).count == 1)
        #expect(Self.changes(["risk": .down(since: Timestamp(milliseconds: 960_000), cleanly: false)], [crashed]).isEmpty, "already announced")
    }

    @Test("within the grace period nothing is announced: a rolling restart is no outage")
    func withinGrace() {
        #expect(Self.changes(["signals": .up], [Self.seen("signals", live: 0, lastSeen: 980_000, cleanly: true)]).isEmpty)
        #expect(Self.changes(["signals": .up], [Self.seen("signals", live: 1, lastSeen: 999_000)]).isEmpty)
        #expect(Self.changes([:], [Self.seen("signals", live: 2, lastSeen: 999_000)]).isEmpty, "a new service that is up says nothing")
    }

    @Test("back with a live instance: up, naming the outage it ends")
    func up() {
        let since = Timestamp(milliseconds: 500_000)
        let known: [String: ServiceState] = ["execution": .down(since: since, cleanly: true)]
        #expect(Self.changes(known, [Self.seen("execution", live: 1, lastSeen: 999_000)])
            == [.up(service: "execution", downSince: since, cleanly: true, liveInstances: 1)])
        #expect(Self.changes(known, [Self.seen("execution", live: 0, lastSeen: 999_000)]).isEmpty,
                "a heartbeat from a stopped instance is not a comeback")
    }

    @Test("each service is judged on its own")
    func several() {
        let found = Self.changes(
            ["risk": .up, "signals": .down(since: Timestamp(milliseconds: 1), cleanly: false)],
            [Self.seen("risk", live: 0, lastSeen: 1, cleanly: true), Self.seen("signals", live: 3, lastSeen: 999_999),
             Self.seen("notifier", live: 1, lastSeen: 999_999)])
        #expect(found.map(\.service) == ["risk", "signals"])
        #expect(found.map(\.state) == [.down(since: Timestamp(milliseconds: 1), cleanly: true), .up])
    }

    @Test("alerts: ids from the outage, so every notifier instance sends the same; up has the down's severity")
    func alerts() {
        let since = Timestamp(milliseconds: 1_764_979_200_000)  // 2025-12-06 00:00:00 UTC
        let at = since.adding(milliseconds: 45_000)
        let down = ServiceWatch.alert(for: .down(service: "risk", since: since, cleanly: false), at: at)
        #expect(down.alertID == "notifier:service-down:risk:1764979200000")
        #expect(down.severity == .error && down.title == "Service down: risk" && down.labels["service"] == "risk")
        #expect(down.text == "No heartbeat from any instance of risk since 2025-12-06 00:00:00 UTC (45 s ago): it crashed, hangs or cannot reach PostgreSQL.")
        let clean = ServiceWatch.alert(for: .down(service: "risk", since: since, cleanly: true), at: at)
        #expect(clean.severity == .warning && clean.text.contains("stopped cleanly"))

        let up = ServiceWatch.alert(for: .up(service: "risk", downSince: since, cleanly: false, liveInstances: 2), at: since.adding(milliseconds: 12_000_000))
        #expect(up.alertID == "notifier:service-up:risk:1764979200000" && up.severity == .error)
        #expect(up.text == "risk is running again (2 instances) after 3 h 20 min down.")
    }
}
