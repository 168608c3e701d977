import Bus
import Logging
import Schemas

/// Writes each `ops.alerts.v1` alert as one log line at its severity, and hands it on (to the
/// Telegram bot). An undecodable alert is an `InvalidMessage`, dead-lettered.
public struct AlertLog: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    @discardableResult
    public func consume(_ message: ConsumedMessage) throws -> Keel_V1_Alert {
        let alert = try message.decoded(as: "ops.alerts.v1 Alert") { try Keel_V1_Alert(serializedBytes: $0) }
        var metadata: Logger.Metadata = [
            "alert.id": "\(alert.alertID)", "alert.source": "\(alert.source)", "alert.time_ms": "\(alert.timeMs)",
        ]
        if alert.hasSymbol { metadata["alert.symbol"] = "\(alert.symbol)" }
        for (name, value) in alert.labels { metadata["alert.\(name)"] = "\(value)" }
        logger.log(level: Self.level(of: alert.severity), "\(alert.title): \(alert.text)", metadata: metadata)
        return alert
    }

    static func level(of severity: Keel_V1_Severity) -> Logger.Level {
        switch severity {
        case .critical: .critical
        case .error: .error
        case .warning: .warning
        case .info, .unspecified, .UNRECOGNIZED: .info
        }
    }
}
