import Hummingbird

/// The record lists of the notifier's API (`NotifierAPI` adds the rest and the token check):
/// `/api/positions`, `/api/orders`, `/api/fills`,
/// `/api/equity` and `/api/decisions` (`?intent_id=ID` for one intent's decision, with every
/// rule's verdict). Lists are newest first and take `?limit=N` (1 ... `maximumLimit`, default
/// `defaultLimit`); a bad limit is a 400 naming it.
public enum DashboardAPI {
    public static let defaultLimit = 100
    public static let maximumLimit = 1000

    public static func add<Context: RequestContext>(to router: Router<Context>, queries: DashboardQueries) {
        router.get("/api/positions") { _, _ in json(try await queries.positions()) }
        router.get("/api/orders") { request, _ in json(try await queries.orders(limit: try limit(of: request))) }
        router.get("/api/fills") { request, _ in json(try await queries.fills(limit: try limit(of: request))) }
        router.get("/api/equity") { request, _ in json(try await queries.equity(limit: try limit(of: request))) }
        router.get("/api/decisions") { request, _ in
            json(try await queries.decisions(
                limit: try limit(of: request),
                intentID: try request.uri.queryParameters["intent_id"].map { try identifier(String($0), named: "intent_id") }))
        }
    }

    /// Ids are at most this long.
    static let maximumIdentifierLength = 200

    /// An id from a request, checked before it reaches PostgreSQL (whose text cannot hold a NUL).
    static func identifier(_ text: String, named name: String) throws -> String {
        guard !text.isEmpty, text.utf8.count <= maximumIdentifierLength, !text.utf8.contains(0) else {
            throw HTTPError(.badRequest, message: "\(name) must be 1 to \(maximumIdentifierLength) bytes of text without NUL characters")
        }
        return text
    }

    static func limit(of request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return defaultLimit }
        guard let limit = Int(String(text)), (1...maximumLimit).contains(limit) else {
            throw HTTPError(.badRequest, message: "limit must be a whole number from 1 to \(maximumLimit), got \"\(text)\"")
        }
        return limit
    }

    static func json(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
