import Core
@testable import Runtime
import Schemas
import Testing

@Suite("Reconnect storms")
struct ReconnectStormTests {
    static let policy = ReconnectStormPolicy(maxReconnects: 3, windowMs: 60_000)

    /// Feeds reconnects at these seconds; returns the seconds at which a storm was reported.
    static func storms(at seconds: [Int64], policy: ReconnectStormPolicy = policy) -> [(at: Int64, reconnects: Int, since: Int64)] {
        var detector = ReconnectStormDetector(policy: policy)
        return seconds.compactMap { second in
            detector.reconnected(at: Timestamp(milliseconds: second * 1000)).map { ($0.at.milliseconds / 1000, $0.reconnects, $0.since.milliseconds / 1000) }
        }
    }

    @Test("more than max reconnects within the window is one storm, reported when it starts")
    func oneStorm() {
        let found = Self.storms(at: [0, 10, 20, 30, 40, 50, 55])
        #expect(found.count == 1)
        #expect(found.first?.at == 30 && found.first?.reconnects == 4 && found.first?.since == 0)
    }

    @Test("reconnects spread wider than the window are no storm")
    func spreadOut() {
        #expect(Self.storms(at: [0, 25, 50, 75, 100, 125, 150]).isEmpty, "never more than 3 within 60 s")
    }

    @Test("a storm that keeps going is not reported again; after a quiet window a new one is")
    func calmsDown() {
        // Every 15 s for 5 min: one storm. Then 60 s without a reconnect, then another burst.
        let first = Array(stride(from: Int64(0), through: 300, by: 15))
        let found = Self.storms(at: first + [360, 361, 362, 363])
        #expect(found.map(\.at) == [45, 363])
        #expect(found.last?.since == 360, "the new storm counts only its own reconnects")
    }

    @Test("a gap shorter than the window does not end a storm")
    func shortGap() {
        #expect(Self.storms(at: [0, 1, 2, 3, 50, 51, 52, 53]).map(\.at) == [3])
    }

    @Test("the alert: a warning whose id names the service, stream and the window the storm began in")
    func alert() {
        let instance = ServiceInstance(service: "execution", host: "pod-1")
        let storm = ReconnectStorm(reconnects: 4, since: Timestamp(milliseconds: 125_000), at: Timestamp(milliseconds: 130_000))
        let alert = ReconnectStormAlerts.alert(for: storm, instance: instance, stream: "private", policy: Self.policy)
        #expect(alert.alertID == "execution:reconnect-storm:private:2", "125 s falls in the third 60 s window")
        #expect(alert.severity == .warning && alert.source == "execution" && alert.timeMs == 130_000)
        #expect(alert.text.contains("reconnected 4 times within 1 min") && alert.text.contains(instance.id))
        #expect(alert.labels["stream"] == "private" && alert.labels["reconnects"] == "4")
        #expect(ReconnectStormAlerts.text(milliseconds: 90_000) == "90 s")
    }

    @Test("instance ids differ between processes of one host")
    func instanceIDs() {
        let first = ServiceInstance(service: "risk", host: "h")
        let second = ServiceInstance(service: "risk", host: "h")
        #expect(first.id != second.id && first.id.hasPrefix("h-"))
        #expect(!ServiceInstance.hostName().isEmpty)
    }
}
