import Core
import Foundation
import Hummingbird

/// Everything the notifier serves beside `/healthz`, `/readyz` and `/metrics`: the dashboard
/// (`/`, its script and style sheet), the read API (`DashboardAPI`), `/api/stats`,
/// `/api/control`, `/api/health`, `/api/snapshot`, the live `/api/stream`, the operator
/// commands (`POST /api/commands/<name>`, and `GET /api/commands/<id>` for what risk did) and
/// `/api/openapi.json`, which describes all of it. Every response carries `SecurityHeaders`;
/// everything but the dashboard's files needs a token (`APIAccess`).
public struct NotifierAPI: Sendable {
    public static let issuer = "api:operator"

    let queries: DashboardQueries
    let feed: DashboardFeed
    let commands: OperatorCommandSender
    let readToken: Secret
    let operatorToken: Secret
    let clock: any TradingClock

    public init(
        queries: DashboardQueries, feed: DashboardFeed, commands: OperatorCommandSender, readToken: Secret, operatorToken: Secret,
        clock: any TradingClock = LiveClock()
    ) {
        self.queries = queries
        self.feed = feed
        self.commands = commands
        self.readToken = readToken
        self.operatorToken = operatorToken
        self.clock = clock
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: SecurityHeaders())
        router.add(middleware: APIAccess(readToken: readToken, operatorToken: operatorToken, publicPaths: Set(DashboardFiles.paths)))
        DashboardFiles.add(to: router)
        DashboardAPI.add(to: router, queries: queries)
        router.get("/api/openapi.json") { _, _ in DashboardAPI.json(OpenAPIDocument.json) }
        router.get("/api/stats") { _, _ in DashboardAPI.json(try await queries.strategyStats()) }
        router.get("/api/control") { _, _ in DashboardAPI.json(try await queries.control()) }
        router.get("/api/snapshot") { _, _ in DashboardAPI.json(try await feed.snapshot()) }
        router.get("/api/stream") { _, _ in try feed.stream() }
        if let health = feed.health {
            router.get("/api/health") { _, _ in DashboardAPI.json(try await health()) }
        }
        for name in APICommandRequest.names {
            router.post("/api/commands/\(name)") { request, context in
                try await command(name, request, context)
            }
        }
        router.get("/api/commands/:id") { _, context in
            let id = try DashboardAPI.identifier(try context.parameters.require("id"), named: "command_id")
            guard let outcome = try await queries.commandOutcome(id: id) else {
                throw HTTPError(.notFound, message: "risk has not acted on command \(id) (yet)")
            }
            return DashboardAPI.json(outcome)
        }
    }

    private func command(_ name: String, _ request: Request, _ context: some RequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: APICommandRequest.maximumBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, message: "the body is over \(APICommandRequest.maximumBodyBytes) bytes")
        }
        let parsed: APICommandRequest
        do {
            parsed = try APICommandRequest.parse(name: name, body: Array(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: error.description)
        }
        let command = OperatorCommand(
            id: "api-" + (parsed.commandID ?? UUID().uuidString.lowercased()), issuedBy: Self.issuer,
            reason: parsed.reason.isEmpty ? "API: \(name)" : parsed.reason, action: parsed.action, issuedAt: clock.now())
        try await commands.send(command)
        let reply: [String: String] = [
            "command_id": command.id, "command": command.action.name, "issued_by": command.issuedBy, "status": "sent",
        ]
        let data = try JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])
        return Response(
            status: .accepted, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
