import Core
import Foundation
import Schemas

/// What the heartbeats in `service_instances` say about one service at a moment.
public struct ServiceSighting: Sendable, Hashable {
    public let service: String
    /// Instances not stopped whose last heartbeat is recent enough.
    public let liveInstances: Int
    /// The newest heartbeat of any of its instances.
    public let lastSeen: Timestamp
    /// Whether the instance seen last stopped gracefully (rather than crashed or hung).
    public let lastStoppedCleanly: Bool

    public init(service: String, liveInstances: Int, lastSeen: Timestamp, lastStoppedCleanly: Bool) {
        self.service = service
        self.liveInstances = liveInstances
        self.lastSeen = lastSeen
        self.lastStoppedCleanly = lastStoppedCleanly
    }
}

/// What the notifier last announced about a service.
public enum ServiceState: Sendable, Hashable {
    case up
    /// Down since the last heartbeat then; `cleanly` when the last instance stopped gracefully.
    case down(since: Timestamp, cleanly: Bool)
}

/// A change worth a message.
public enum ServiceChange: Sendable, Hashable {
    case down(service: String, since: Timestamp, cleanly: Bool)
    case up(service: String, downSince: Timestamp, cleanly: Bool, liveInstances: Int)

    public var service: String {
        switch self {
        case .down(let service, _, _), .up(let service, _, _, _): service
        }
    }

    /// The state announced by this change.
    public var state: ServiceState {
        switch self {
        case .down(_, let since, let cleanly): .down(since: since, cleanly: cleanly)
        case .up: .up
        }
    }
}

/// Service down/up from heartbeats (pure). A service is down when none of its instances is live
/// and the newest heartbeat is older than `downAfterMs` (so a rolling restart, one instance
/// stopping cleanly as the next starts, is no outage); it is up again when an instance is live.
public enum ServiceWatch {
    /// The changes to announce given what was announced before (`known`; a service not in it
    /// has never been judged, and counts as up).
    public static func changes(
        known: [String: ServiceState], sightings: [ServiceSighting], now: Timestamp, downAfterMs: Int64
    ) -> [ServiceChange] {
        sightings.compactMap { sighting in
            let isDown = sighting.liveInstances == 0 && now.milliseconds - sighting.lastSeen.milliseconds >= downAfterMs
            switch (known[sighting.service] ?? .up, isDown) {
            case (.up, true):
                return .down(service: sighting.service, since: sighting.lastSeen, cleanly: sighting.lastStoppedCleanly)
            case (.down(let since, let cleanly), false) where sighting.liveInstances > 0:
                return .up(service: sighting.service, downSince: since, cleanly: cleanly, liveInstances: sighting.liveInstances)
            default:
                return nil
            }
        }
    }

    /// The `ops.alerts.v1` alert of `change`. Its id follows from the outage (the service and
    /// its last heartbeat), so notifier instances that both see it send one message. "Up"
    /// carries the severity of the "down" it ends, so it reaches everyone who got that one.
    public static func alert(for change: ServiceChange, at now: Timestamp) -> Keel_V1_Alert {
        switch change {
        case .down(let service, let since, let cleanly):
            let text = cleanly
                ? "No instance of \(service) has run since \(clockText(since)); the last one stopped cleanly. Its work waits until one starts."
                : "No heartbeat from any instance of \(service) since \(clockText(since)) (\(durationText(now.milliseconds - since.milliseconds)) ago): it crashed, hangs or cannot reach PostgreSQL."
            return Keel_V1_Alert(
                id: "notifier:service-down:\(service):\(since.milliseconds)", severity: severity(cleanly: cleanly), source: "notifier",
                title: "Service down: \(service)", text: text, labels: ["service": service], at: now)
        case .up(let service, let since, let cleanly, let live):
            return Keel_V1_Alert(
                id: "notifier:service-up:\(service):\(since.milliseconds)", severity: severity(cleanly: cleanly), source: "notifier",
                title: "Service up: \(service)",
                text: "\(service) is running again (\(live) instance\(live == 1 ? "" : "s")) after \(durationText(now.milliseconds - since.milliseconds)) down.",
                labels: ["service": service], at: now)
        }
    }

    static func severity(cleanly: Bool) -> Keel_V1_Severity { cleanly ? .warning : .error }

    /// "2026-12-05 14:03:12 UTC".
    static func clockText(_ time: Timestamp) -> String {
        time.description.prefix(19).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// "45 s", "12 min", "3 h 20 min".
    static func durationText(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
}
