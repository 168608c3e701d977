import Core
import Hummingbird

/// Bearer-token access to every route added after it: reads (GET, HEAD) take the read or the
/// operator token, anything else (the commands) the operator token only. A missing or wrong
/// token is 401, a read token on a command 403. The dashboard's own files are served without a
/// token: they hold no data, and the page asks for the token before it reads any.
public struct APIAccess<Context: RequestContext>: RouterMiddleware {
    public enum Role: Sendable { case reader, commander }

    let readToken: Secret
    let operatorToken: Secret
    let publicPaths: Set<String>

    public init(readToken: Secret, operatorToken: Secret, publicPaths: Set<String>) {
        self.readToken = readToken
        self.operatorToken = operatorToken
        self.publicPaths = publicPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if publicPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let role = role(of: request) else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"keel\""],
                message: "send Authorization: Bearer <token> (notifier.api.read_token, or operator_token for commands)")
        }
        let reading = request.method == .get || request.method == .head
        guard reading || role == .commander else {
            throw HTTPError(.forbidden, message: "commands need the operator token (notifier.api.operator_token); this is the read token")
        }
        return try await next(request, context)
    }

    func role(of request: Request) -> Role? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let presented = Array(parts[1].utf8)
        // Both are compared every time, in time independent of where they differ.
        let isOperator = Self.constantTimeEquals(presented, Array(operatorToken.value.utf8))
        let isReader = Self.constantTimeEquals(presented, Array(readToken.value.utf8))
        return isOperator ? .commander : isReader ? .reader : nil
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Headers every notifier response carries, errors included: no sniffing, no framing, no
/// referrer, a content security policy that allows only the dashboard's own files, and no
/// caching of API data.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[SecurityHeaderNames.frameOptions] = "DENY"
        response.headers[SecurityHeaderNames.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

enum SecurityHeaderNames {
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
}
