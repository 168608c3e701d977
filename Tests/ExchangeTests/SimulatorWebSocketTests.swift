import Core
import Exchange
@testable import ExchangeSimulator
import Foundation
import Logging
import Synchronization
import Testing

// MARK: - Support shared by the WebSocket suites

/// Records everything an `AsyncStream` yields, so a test can wait for a message and then look
/// at what came before and after it.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func record(_ stream: AsyncStream<Element>) async {
        for await item in stream { items.withLock { $0.append(item) } }
    }

    var all: [Element] { items.withLock { $0 } }

    /// The first element at or after `index` that `match` accepts, with its index; nil after `timeout`.
    func wait<T>(after index: Int = 0, timeout: Duration = .seconds(15), _ match: (Element) -> T?) async -> (value: T, index: Int)? {
        let deadline = ContinuousClock.now + timeout
        var next = index
        while ContinuousClock.now < deadline {
            let snapshot = all
            while next < snapshot.count {
                if let value = match(snapshot[next]) { return (value, next) }
                next += 1
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The index of the first element at or after `index` that `match` accepts; nil after `timeout`.
    func waitUntil(after index: Int = 0, timeout: Duration = .seconds(15), _ match: (Element) -> Bool) async -> Int? {
        await wait(after: index, timeout: timeout) { match($0) ? true : nil }?.index
    }
}

/// Starts `run` and records `messages` in the background; cancel the task to stop both.
func recording<Message: Sendable>(_ messages: AsyncStream<Message>, run: @escaping @Sendable () async -> Void) -> (Recorder<Message>, Task<Void, Never>) {
    let recorder = Recorder<Message>()
    let task = Task {
        await withDiscardingTaskGroup { group in
            group.addTask { await run() }
            group.addTask { await recorder.record(messages) }
        }
    }
    return (recorder, task)
}

/// A manual clock one second into a minute, so a test that moves it less than 59 s stays
/// within one one-minute bar.
func minuteAlignedClock() -> ManualClock {
    let now = Timestamp.systemNow().milliseconds
    return ManualClock(Timestamp(milliseconds: now - now % 60_000 + 1_000))
}

let streamTestLogger: Logger = {
    var logger = Logger(label: "keel.test.ws")
    logger.logLevel = .error
    return logger
}()

/// A raw connection: text frames in and out, no typed decoding.
func rawConnection(port: Int, path: String, pingInterval: Duration = .seconds(20)) -> ReconnectingWebSocket {
    ReconnectingWebSocket(
        configuration: .init(url: "ws://127.0.0.1:\(port)\(path)", pingInterval: pingInterval,
                             backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))),
        logger: streamTestLogger)
}

/// A raw connection to `path`, running, recorded and connected.
func connectedRaw(port: Int, path: String) async -> (ReconnectingWebSocket, Recorder<WebSocketEvent>, Task<Void, Never>) {
    let connection = rawConnection(port: port, path: path)
    let (recorder, task) = recording(connection.events, run: connection.run)
    _ = await recorder.waitUntil { if case .connected = $0 { true } else { false } }
    return (connection, recorder, task)
}

/// The first JSON reply with `req_id` equal to `requestID`.
func reply(_ recorder: Recorder<WebSocketEvent>, requestID: String) async -> [String: Any]? {
    await recorder.wait { text($0).flatMap(jsonObject).flatMap { $0["req_id"] as? String == requestID ? $0 : nil } }?.value
}

func text(_ event: WebSocketEvent) -> String? {
    if case .text(let text) = event { return text }
    return nil
}

func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

// MARK: - The simulator's wire protocol

/// The simulator's streams as a raw WebSocket client sees them: ops, acks, pongs, faults.
@Suite("Simulator WebSocket protocol", .serialized)
struct SimulatorWebSocketTests {
    @Test func subscribeIsAcknowledgedAndABadTopicIsNamed() async throws {
        try await withRunningSimulator { _, port in
            let (connection, recorder, task) = await connectedRaw(port: port, path: "/v5/public/linear")
            defer { task.cancel() }
            connection.send(#"{"req_id":"r1","op":"subscribe","args":["publicTrade.BTCUSDT"]}"#)
            let ack = await reply(recorder, requestID: "r1")
            #expect(ack?["success"] as? Bool == true)
            #expect(ack?["op"] as? String == "subscribe")
            #expect(ack?["ret_msg"] as? String == "")
            #expect((ack?["conn_id"] as? String)?.isEmpty == false)

            connection.send(#"{"req_id":"r2","op":"subscribe","args":["orderbook.7.BTCUSDT"]}"#)
            let bad = await reply(recorder, requestID: "r2")
            #expect(bad?["success"] as? Bool == false)
            #expect((bad?["ret_msg"] as? String)?.contains("orderbook.7.BTCUSDT") == true)
        }
    }

    @Test func pingsGetThePublicAndPrivatePongShapes() async throws {
        try await withRunningSimulator { _, port in
            let (linear, linearRecorder, linearTask) = await connectedRaw(port: port, path: "/v5/public/linear")
            defer { linearTask.cancel() }
            linear.send(#"{"req_id":"p1","op":"ping"}"#)
            let pong = await reply(linearRecorder, requestID: "p1")
            #expect(pong?["ret_msg"] as? String == "pong")
            #expect(pong?["op"] as? String == "ping")
            #expect(pong?["success"] as? Bool == true)

            let (privateConnection, privateRecorder, privateTask) = await connectedRaw(port: port, path: "/v5/private")
            defer { privateTask.cancel() }
            privateConnection.send(#"{"req_id":"p2","op":"ping"}"#)
            let privatePong = await reply(privateRecorder, requestID: "p2")
            #expect(privatePong?["op"] as? String == "pong")
            #expect((privatePong?["args"] as? [String])?.count == 1)
        }
    }

    @Test func malformedFramesGetAFailureAndTheConnectionStaysUp() async throws {
        try await withRunningSimulator { _, port in
            let (connection, recorder, task) = await connectedRaw(port: port, path: "/v5/public/linear")
            defer { task.cancel() }
            connection.send(#"{"op":"subscribe","args":["#)
            let failure = await recorder.wait { text($0).flatMap(jsonObject).flatMap { $0["success"] as? Bool == false ? $0 : nil } }
            #expect((failure?.value["ret_msg"] as? String)?.contains("Invalid JSON") == true)
            connection.send(#"{"req_id":"after","op":"ping"}"#)
            #expect(await reply(recorder, requestID: "after") != nil)
        }
    }

    @Test func theAdminRouteDropsEveryConnection() async throws {
        try await withRunningSimulator { simulator, port in
            let (_, recorder, task) = await connectedRaw(port: port, path: "/v5/public/linear")
            defer { task.cancel() }
            // The server registers the connection once its handler runs, just after the upgrade.
            for _ in 0..<100 where simulator.webSocketConnectionCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(simulator.webSocketConnectionCount == 1)
            let client = CurlHTTPClient()
            let response = try await client.send(HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/sim/faults/drop-websockets"))
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"dropped":1}"#)
            #expect(await recorder.waitUntil { if case .disconnected = $0 { true } else { false } } != nil)
            #expect(await recorder.waitUntil { if case .connected(let reconnects) = $0, reconnects == 1 { true } else { false } } != nil)
        }
    }

    @Test func stoppingTheSimulatorClosesLiveConnections() async throws {
        let simulator = BybitSimulator()
        let port = try await simulator.start(port: 0)
        let (_, recorder, task) = await connectedRaw(port: port, path: "/v5/public/linear")
        defer { task.cancel() }
        await simulator.stop()
        #expect(await recorder.waitUntil { if case .disconnected = $0 { true } else { false } } != nil)
        #expect(simulator.webSocketConnectionCount == 0)
    }

    @Test func tickHandlersRunWithTheSimulatorsTime() async throws {
        let clock = ManualClock(Timestamp(milliseconds: 1_700_000_000_000))
        try await withRunningSimulator(clock: SimulatorClock(clock)) { simulator, _ in
            let seen = Recorder<Timestamp>()
            let (times, continuation) = AsyncStream<Timestamp>.makeStream()
            simulator.onTick { continuation.yield($0) }
            let task = Task { await seen.record(times) }
            defer { task.cancel() }
            #expect(await seen.wait { $0 == clock.now() ? true : nil } != nil)
        }
    }
}
