import Core

extension Keel_V1_Alert {
    /// An `ops.alerts.v1` alert; `id` is stable for one cause, so a repeat does not notify twice.
    public init(
        id: String, severity: Keel_V1_Severity, source: String, title: String, text: String, symbol: String? = nil,
        labels: [String: String] = [:], at time: Timestamp
    ) {
        self.init()
        alertID = id
        self.severity = severity
        self.source = source
        self.title = title
        self.text = text
        if let symbol { self.symbol = symbol }
        timeMs = time.milliseconds
        self.labels = labels
    }
}
