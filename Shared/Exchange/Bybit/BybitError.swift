/// A Bybit V5 reply with a non-zero `retCode`: the codes a trader meets get their own case,
/// everything else is `.other`. Every case keeps Bybit's `retMsg`.
public enum BybitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 10001: a request parameter is missing or invalid.
    case parameterError(String)
    /// 10002: the request timestamp is outside the recv_window (clock drift).
    case timestampOutsideRecvWindow(String)
    /// 10003: the API key is invalid.
    case invalidAPIKey(String)
    /// 10004: the signature does not match.
    case invalidSignature(String)
    /// 10005: the key lacks the permission.
    case permissionDenied(String)
    /// 10006: too many requests for this UID; wait until the rate-limit reset.
    case rateLimited(String)
    /// 10016: Bybit server error.
    case serverError(String)
    /// 110001: the order does not exist.
    case orderNotFound(String)
    /// 110004, 110007, 110012: not enough balance (wallet or available) for the order.
    case insufficientBalance(code: Int, message: String)
    /// 110017: a reduce-only order would open or increase a position (or its qty truncates to zero).
    case reduceOnlyRuleNotSatisfied(String)
    /// 110043: leverage is already at the requested value. Callers treat this as success.
    case leverageNotModified(String)
    /// 110072: the orderLinkId was used before; the first order stands (idempotency).
    case duplicateOrderLinkID(String)
    /// 110094: the order's notional value is below the instrument's minimum.
    case orderBelowMinNotional(String)
    /// Any other non-zero retCode.
    case other(code: Int, message: String)

    /// The error for a reply with `retCode` (non-zero) and `retMsg`.
    public init(retCode: Int, retMsg: String) {
        switch retCode {
        case 10001: self = .parameterError(retMsg)
        case 10002: self = .timestampOutsideRecvWindow(retMsg)
        case 10003: self = .invalidAPIKey(retMsg)
        case 10004: self = .invalidSignature(retMsg)
        case 10005: self = .permissionDenied(retMsg)
        case 10006: self = .rateLimited(retMsg)
        case 10016: self = .serverError(retMsg)
        case 110001: self = .orderNotFound(retMsg)
        case 110004, 110007, 110012: self = .insufficientBalance(code: retCode, message: retMsg)
        case 110017: self = .reduceOnlyRuleNotSatisfied(retMsg)
        case 110043: self = .leverageNotModified(retMsg)
        case 110072: self = .duplicateOrderLinkID(retMsg)
        case 110094: self = .orderBelowMinNotional(retMsg)
        default: self = .other(code: retCode, message: retMsg)
        }
    }

    public var retCode: Int {
        switch self {
        case .parameterError: return 10001
        case .timestampOutsideRecvWindow: return 10002
        case .invalidAPIKey: return 10003
        case .invalidSignature: return 10004
        case .permissionDenied: return 10005
        case .rateLimited: return 10006
        case .serverError: return 10016
        case .orderNotFound: return 110001
        case .insufficientBalance(let code, _): return code
        case .reduceOnlyRuleNotSatisfied: return 110017
        case .leverageNotModified: return 110043
        case .duplicateOrderLinkID: return 110072
        case .orderBelowMinNotional: return 110094
        case .other(let code, _): return code
        }
    }

    public var retMsg: String {
        switch self {
        case .parameterError(let message), .timestampOutsideRecvWindow(let message),
            .invalidAPIKey(let message), .invalidSignature(let message), .permissionDenied(let message),
            .rateLimited(let message), .serverError(let message), .orderNotFound(let message),
            .reduceOnlyRuleNotSatisfied(let message), .leverageNotModified(let message),
            .duplicateOrderLinkID(let message), .orderBelowMinNotional(let message):
            return message
        case .insufficientBalance(_, let message), .other(_, let message):
            return message
        }
    }

    /// True for 110043: set-leverage found the leverage already at the value asked for.
    public var isLeverageUnchanged: Bool {
        if case .leverageNotModified = self { return true }
        return false
    }

    /// What the code means, independent of Bybit's wording.
    public var meaning: String {
        switch self {
        case .parameterError: return "request parameter error"
        case .timestampOutsideRecvWindow: return "request timestamp outside recv_window (check clock offset)"
        case .invalidAPIKey: return "invalid API key"
        case .invalidSignature: return "signature mismatch"
        case .permissionDenied: return "API key lacks permission"
        case .rateLimited: return "rate limit exceeded (wait for the reset timestamp)"
        case .serverError: return "Bybit server error"
        case .orderNotFound: return "order does not exist"
        case .insufficientBalance: return "insufficient balance"
        case .reduceOnlyRuleNotSatisfied: return "reduce-only order would open or increase a position"
        case .leverageNotModified: return "leverage not modified (already set)"
        case .duplicateOrderLinkID: return "duplicate orderLinkId"
        case .orderBelowMinNotional: return "order value below the minimum notional"
        case .other: return "Bybit error"
        }
    }

    public var description: String {
        "Bybit retCode \(retCode) (\(meaning)): \(retMsg.isEmpty ? "<no message>" : retMsg)"
    }
}
