import Logging

/// Something at an exchange an operator must hear about now, handed to the client's alert
/// handler (services forward it to the notifier).
public enum ExchangeAlert: Sendable, Hashable, CustomStringConvertible {
    /// HTTP 403: the IP went over the exchange's window; every request stops for `coolDown`.
    case ipRateLimited(coolDown: Duration, request: String)

    public var description: String {
        switch self {
        case .ipRateLimited(let coolDown, let request):
            return "IP rate limit exceeded (HTTP 403) on \(request): all requests stopped for \(coolDown)"
        }
    }

    /// The default handler: one critical log line.
    public static let log: @Sendable (ExchangeAlert) -> Void = { alert in
        Logger(label: "keel.exchange").critical("\(alert.description)")
    }
}
