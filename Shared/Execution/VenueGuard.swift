import Core
import Exchange
import OrderManagement

/// What a failed venue request says about the venue, for the circuit breaker: a refusal of
/// the order itself (a rule, the balance, a duplicate) says nothing; a 403 shuts Keel out;
/// timeouts, 5xx, rate limits and lost connections count toward opening it.
enum VenueOutcome {
    static func of(_ error: any Error) -> VenueCircuitBreaker.Outcome {
        switch error {
        case let error as BybitClientError:
            switch error {
            case .ipRateLimited: return .forbidden("\(error)")
            case .httpStatus(403, _): return .forbidden("\(error)")
            case .httpStatus, .transport, .outcomeUnknown: return .failure("\(error)")
            }
        case let error as BybitError:
            switch error {
            case .rateLimited, .serverError, .timestampOutsideRecvWindow: return .failure("\(error)")
            case .invalidAPIKey, .invalidSignature, .permissionDenied: return .forbidden("\(error)")
            default: return .refused
            }
        case is InstrumentRuleViolation, is UnknownInstrumentError, is BybitOrderRequestError: return .refused
        case is CancellationError: return .refused
        default: return .failure("\(error)")
        }
    }
}
