import Config
import Core
import Foundation
import Locks
import Logging
import Synchronization
import Testing

/// `Locks` against the real Redis from `TestEnvironment` (plus, for the restart test, a private
/// redis-server this test starts and stops). Every test uses its own symbols and keys, so they
/// run in parallel.
@Suite struct LockTests {
    // MARK: - Mutual exclusion and fencing

    @Test func concurrentContendersNeverHoldTheLockTogether() async throws {
        let symbol = TestEnvironment.uniqueName("RACE")
        let checker = HoldChecker()
        let contenders = 4
        // Long enough for at least 10 acquisitions even when every other integration test runs
        // beside it on two cores (4 s once gave only 6).
        let runFor = Duration.seconds(10)
        let deadline = ContinuousClock.now + runFor

        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<contenders {
                group.addTask {
                    let locks = try await makeLocks()
                    while ContinuousClock.now < deadline {
                        if let lease = try await locks.acquire(symbol: symbol, ttl: .seconds(10)) {
                            checker.enter(id, fence: lease.fencingToken)
                            // Hold across a Redis round trip and a sleep, so others try meanwhile.
                            _ = try await locks.connection.send("PING")
                            try await Task.sleep(for: .microseconds(300))
                            checker.leave(id)
                            #expect(try await locks.release(lease))
                        } else {
                            checker.refused()
                            try await Task.sleep(for: .microseconds(100))
                        }
                    }
                    await locks.connection.close()
                }
            }
            try await group.waitForAll()
        }

        let state = checker.snapshot
        #expect(state.overlaps == 0, "two contenders held the lock at once")
        #expect(state.nonIncreasingFences == 0, "fencing tokens did not strictly increase")
        #expect(state.acquisitions.count == contenders, "every contender should win sometimes: \(state.acquisitions)")
        #expect(state.acquisitions.values.reduce(0, +) >= 10, "too few acquisitions to mean anything: \(state.acquisitions)")
        #expect(state.refusals > 0, "contenders never actually collided")
    }

    @Test func fencingTokensStrictlyIncreaseAcrossHolders() async throws {
        let symbol = TestEnvironment.uniqueName("FENCE")
        let a = try await makeLocks()
        let b = try await makeLocks()
        var last: Int64 = 0
        for round in 0..<10 {
            let locks = round.isMultiple(of: 2) ? a : b
            let lease = try #require(try await locks.acquire(symbol: symbol, ttl: .seconds(5)))
            #expect(lease.fencingToken > last)
            last = lease.fencingToken
            #expect(try await locks.release(lease))
        }
    }

    @Test func aHeldLockRefusesOthersUntilReleased() async throws {
        let symbol = TestEnvironment.uniqueName("HELD")
        let a = try await makeLocks()
        let b = try await makeLocks()
        let lease = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(5)))
        #expect(try await b.acquire(symbol: symbol, ttl: .seconds(5)) == nil)
        #expect(try await a.acquire(symbol: symbol, ttl: .seconds(5)) == nil, "the lock is not re-entrant")
        #expect(try await a.release(lease))
        let next = try #require(try await b.acquire(symbol: symbol, ttl: .seconds(5)))
        #expect(next.fencingToken > lease.fencingToken)
        #expect(try await b.release(next))
    }

    // MARK: - Expiry, stale leases, extend

    @Test func aLeaseExpiresAfterItsTTLAndAnotherHolderTakesOver() async throws {
        let symbol = TestEnvironment.uniqueName("EXPIRE")
        let a = try await makeLocks()
        let b = try await makeLocks()
        // Timed from before the first acquire: Redis starts the TTL later than that, so the
        // takeover cannot come sooner than the TTL after it, however slow the machine.
        // The TTL is long enough that a stalled machine (CI on two busy cores) still asks while
        // the first lease holds.
        let start = ContinuousClock.now
        let first = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(2)))
        #expect(try await b.acquire(symbol: symbol, ttl: .seconds(5)) == nil)

        let second = try #require(try await b.acquire(symbol: symbol, ttl: .seconds(5), waitUpTo: .seconds(6)))
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(1995), "took over after \(waited): before the TTL ran out")
        #expect(waited < .seconds(5), "took over only after \(waited)")
        #expect(first.isExpired)
        #expect(second.fencingToken > first.fencingToken)
        #expect(try await b.release(second))
    }

    @Test func waitingGivesUpAtTheDeadline() async throws {
        let symbol = TestEnvironment.uniqueName("WAIT")
        let a = try await makeLocks()
        let b = try await makeLocks()
        let lease = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(10)))
        let start = ContinuousClock.now
        #expect(try await b.acquire(symbol: symbol, ttl: .seconds(1), waitUpTo: .milliseconds(300)) == nil)
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(300) && waited < .seconds(2), "waited \(waited)")
        #expect(try await a.release(lease))
    }

    @Test func staleLeaseCannotReleaseOrExtendTheNewHoldersLock() async throws {
        let symbol = TestEnvironment.uniqueName("STALE")
        let a = try await makeLocks()
        let b = try await makeLocks()
        let old = try #require(try await a.acquire(symbol: symbol, ttl: .milliseconds(100)))
        try await Task.sleep(for: .milliseconds(250))
        // A long TTL, so that however slowly the checks below run (a loaded CI machine once
        // took three seconds over them), it stays far above the 50 ms a stale extend would set.
        var current = try #require(try await b.acquire(symbol: symbol, ttl: .seconds(60)))
        #expect(current.fencingToken > old.fencingToken)

        var stale = old
        #expect(try await a.extend(&stale, ttl: .milliseconds(50)) == false)
        #expect(try await a.release(old) == false)

        // The new holder is untouched: its token is still stored with its own (long) TTL.
        let key = b.lockKey(for: symbol)
        #expect(try await b.connection.send("GET", key).text == current.token)
        let pttl = try #require(try await b.connection.send("PTTL", key).integer)
        #expect(pttl > 30_000, "a stale extend changed the new holder's TTL to \(pttl) ms")
        #expect(try await b.acquire(symbol: symbol, ttl: .seconds(1)) == nil)

        #expect(try await b.extend(&current, ttl: .seconds(5)))
        #expect(try await b.release(current))
        #expect(try await b.connection.send("GET", key) == .null)
    }

    @Test func extendKeepsTheLockPastItsOriginalTTL() async throws {
        let symbol = TestEnvironment.uniqueName("EXTEND")
        let a = try await makeLocks()
        let b = try await makeLocks()
        // A first TTL long enough that a loaded machine still extends before it runs out (1 s
        // once ran out first).
        var lease = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(4)))
        let originalExpiry = lease.expiresAt
        #expect(try await a.extend(&lease, ttl: .seconds(20)))
        #expect(lease.expiresAt > originalExpiry)
        try await Task.sleep(for: .milliseconds(5000))
        #expect(!lease.isExpired)
        #expect(try await b.acquire(symbol: symbol, ttl: .seconds(1)) == nil, "the extended lock expired at its original TTL")
        #expect(try await a.release(lease))
    }

    @Test func withLockReleasesWhenTheBodyReturnsOrThrows() async throws {
        struct BodyFailed: Error {}
        let symbol = TestEnvironment.uniqueName("WITH")
        let locks = try await makeLocks()
        let other = try await makeLocks()

        let fence = try await locks.withLock(symbol: symbol, ttl: .seconds(10)) { (lease: LockLease) async throws -> Int64 in
            #expect(try await other.acquire(symbol: symbol, ttl: .seconds(1)) == nil)
            return lease.fencingToken
        }
        let afterReturn = try #require(try await other.acquire(symbol: symbol, ttl: .seconds(10)))
        #expect(afterReturn.fencingToken > fence)

        await #expect(throws: LockError.notAcquired(symbol: symbol, waited: .milliseconds(50))) {
            try await locks.withLock(symbol: symbol, ttl: .seconds(1), waitUpTo: .milliseconds(50)) { _ in }
        }
        #expect(try await other.release(afterReturn))

        await #expect(throws: BodyFailed.self) {
            try await locks.withLock(symbol: symbol, ttl: .seconds(10)) { _ in throw BodyFailed() }
        }
        let afterThrow = try #require(try await other.acquire(symbol: symbol, ttl: .seconds(1)))
        #expect(try await other.release(afterThrow))
    }

    @Test func invalidSymbolsAndTTLsAreRejected() async throws {
        let locks = try await makeLocks()
        for symbol in ["", "BTC USDT", "BTC{X}", String(repeating: "A", count: 65)] {
            await #expect(throws: LockError.invalidSymbol(symbol)) {
                _ = try await locks.acquire(symbol: symbol, ttl: .seconds(1))
            }
        }
        await #expect(throws: LockError.invalidTTL(.microseconds(500))) {
            _ = try await locks.acquire(symbol: TestEnvironment.uniqueName("TTL"), ttl: .microseconds(500))
        }
    }

    // MARK: - Fencing across a wiped Redis

    @Test func fencingTokensKeepIncreasingAfterTheKeysAreWiped() async throws {
        let symbol = TestEnvironment.uniqueName("WIPE")
        let a = try await makeLocks()
        let b = try await makeLocks()

        let before = try await serverMicroseconds(a.connection)
        let first = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(5)))
        let after = try await serverMicroseconds(a.connection)
        #expect(first.fencingToken > before && first.fencingToken <= after + 1, "a new counter is seeded from Redis TIME")
        #expect(try await a.release(first))

        var last = first.fencingToken
        for _ in 0..<5 {
            let lease = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(5)))
            #expect(lease.fencingToken == last + 1)
            last = lease.fencingToken
            #expect(try await a.release(lease))
        }

        // A holder is working when Redis loses everything (restart without persistence).
        let holder = try #require(try await a.acquire(symbol: symbol, ttl: .seconds(30)))
        let deleted = try await a.connection.send("DEL", a.lockKey(for: symbol), a.fenceKey(for: symbol))
        #expect(deleted == .integer(2))

        let successor = try #require(try await b.acquire(symbol: symbol, ttl: .seconds(5)))
        #expect(successor.fencingToken > holder.fencingToken, "the fencing counter went backwards after a wipe")
        #expect(try await a.release(holder) == false)
        #expect(try await b.release(successor))
    }

    // MARK: - Scripts

    @Test func scriptsAreNamedByTheSHA1RedisComputesAndSurviveAScriptFlush() async throws {
        let connection = try await makeConnection()
        for source in ["return 1", "return redis.call('PING')\n-- ünïcode comment\n", String(repeating: "local x = 2 -- padding\n", count: 20) + "return x"] {
            let script = RedisScript(source)
            #expect(try await connection.send("SCRIPT", "LOAD", source).text == script.sha1)
        }
        let script = RedisScript("return ARGV[1] .. KEYS[1]")
        _ = try await connection.send("SCRIPT", "FLUSH")
        #expect(try await connection.evaluate(script, keys: ["k"], arguments: ["v"]).text == "vk")
        #expect(try await connection.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))

        _ = try await connection.send("SCRIPT", "FLUSH")
        let locks = SymbolLocks(connection: connection, logger: logger)
        let lease = try #require(try await locks.acquire(symbol: TestEnvironment.uniqueName("FLUSH"), ttl: .seconds(5)))
        #expect(try await locks.release(lease))
    }

    // MARK: - Connection

    @Test func repliesAreTypedAndArgumentsBinarySafe() async throws {
        let connection = try await makeConnection()
        let key = TestEnvironment.uniqueName("keel:test:bytes")
        let value: [UInt8] = [0, 13, 10, 36, 42, 255, 0, 1]
        #expect(try await connection.send(bytes: [Array("SET".utf8), Array(key.utf8), value]) == .status("OK"))
        #expect(try await connection.send("GET", key) == .string(value))
        #expect(try await connection.send("STRLEN", key) == .integer(Int64(value.count)))
        #expect(try await connection.send("GET", key + ":missing") == .null)

        let list = TestEnvironment.uniqueName("keel:test:list")
        _ = try await connection.send("RPUSH", list, "a", "", "c")
        #expect(try await connection.send("LRANGE", list, "0", "-1") == .array([.string(Array("a".utf8)), .string([]), .string(Array("c".utf8))]))

        await #expect {
            _ = try await connection.send("INCR", list)
        } throws: { error in
            guard case RedisError.server(let message) = error else { return false }
            return message.hasPrefix("WRONGTYPE")
        }
        // Nested error replies stay values.
        _ = try await connection.send("MULTI")
        _ = try await connection.send("INCR", list)
        _ = try await connection.send("LLEN", list)
        let exec = try await connection.send("EXEC")
        guard case .array(let results) = exec, results.count == 2, case .error(let message) = results[0] else {
            Issue.record("EXEC reply \(exec)")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(results[1] == .integer(3))
        _ = try await connection.send("DEL", key, list)
    }

    @Test func theDatabaseFromTheConfigIsSelected() async throws {
        var config = try TestEnvironment.redis()
        config.database = 15
        let db15 = try await RedisConnection.connect(config: config, logger: logger)
        let db0 = try await makeConnection()
        let key = TestEnvironment.uniqueName("keel:test:db")
        _ = try await db15.send("SET", key, "x", "PX", "60000")
        #expect(try await db15.send("GET", key).text == "x")
        #expect(try await db0.send("GET", key) == .null)

        config.database = 999
        await #expect(throws: RedisError.selectFailed(endpoint: "\(config.host):\(config.port)/999", database: 999, message: "ERR DB index is out of range")) {
            _ = try await RedisConnection.connect(config: config, logger: logger)
        }
    }

    @Test func recoversAfterTheServerKillsTheIdleConnection() async throws {
        let connection = try await makeConnection()
        let admin = try await makeConnection()
        let id = try #require(try await connection.send("CLIENT", "ID").integer)
        #expect(try await admin.send("CLIENT", "KILL", "ID", String(id)) == .integer(1))

        // The very next command succeeds, on a new connection.
        #expect(try await connection.send("PING") == .status("PONG"))
        let newID = try #require(try await connection.send("CLIENT", "ID").integer)
        #expect(newID != id)

        // Locks keep working on it.
        let locks = SymbolLocks(connection: connection, logger: logger)
        let lease = try #require(try await locks.acquire(symbol: TestEnvironment.uniqueName("KILL"), ttl: .seconds(5)))
        #expect(try await admin.send("CLIENT", "KILL", "ID", String(newID)) == .integer(1))
        #expect(try await locks.release(lease))
    }

    @Test func aConnectionKilledMidCommandReportsItAndRecovers() async throws {
        let connection = try await makeConnection(options: .init(commandTimeout: .seconds(20)))
        let admin = try await makeConnection()
        let id = try #require(try await connection.send("CLIENT", "ID").integer)
        let list = TestEnvironment.uniqueName("keel:test:blpop")

        let blocked = Task { try await connection.send("BLPOP", list, "10") }
        // Wait until the server sees the client blocked in BLPOP, then kill it.
        var isBlocked = false
        for _ in 0..<200 where !isBlocked {
            let info = try await admin.send("CLIENT", "LIST", "ID", String(id)).text ?? ""
            isBlocked = info.contains("cmd=blpop")
            if !isBlocked { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(isBlocked)
        #expect(try await admin.send("CLIENT", "KILL", "ID", String(id)) == .integer(1))

        let result = await blocked.result
        #expect(throws: RedisError.connectionLost(endpoint: connection.endpoint, reason: "server closed the connection")) {
            try result.get()
        }
        #expect(try await connection.send("PING") == .status("PONG"))
    }

    @Test func aCommandThatTimesOutDropsTheConnectionAndTheNextOneReconnects() async throws {
        let connection = try await makeConnection(options: .init(commandTimeout: .milliseconds(300)))
        let start = ContinuousClock.now
        await #expect(throws: RedisError.timeout(endpoint: connection.endpoint, after: .milliseconds(300))) {
            _ = try await connection.send("BLPOP", TestEnvironment.uniqueName("keel:test:timeout"), "3")
        }
        // Before BLPOP's own 3 s would have answered; the bound leaves room for the suites beside it.
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(try await connection.send("PING") == .status("PONG"))
    }

    @Test func connectingWhereNothingListensFailsFastAndClearly() async throws {
        let port = try ReservedPort()
        let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let config = RedisConfig(host: "127.0.0.1", port: port.port, password: Secret(password), connectTimeoutMs: 2000)
        let start = ContinuousClock.now
        do {
            _ = try await RedisConnection.connect(config: config, logger: logger)
            Issue.record("connected to a port where nothing listens")
        } catch let error as RedisError {
            guard case .connectFailed(let endpoint, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(endpoint == "127.0.0.1:\(port.port)/0")
            #expect(reason.localizedCaseInsensitiveContains("refused"), "reason: \(reason)")
            #expect(!"\(error)".contains(password))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func aRejectedPasswordIsReportedWithoutRevealingIt() async throws {
        var config = try TestEnvironment.redis()
        let password = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        config.password = Secret(password)
        do {
            _ = try await RedisConnection.connect(config: config, logger: logger)
            Issue.record("AUTH with a wrong password succeeded")
        } catch let error as RedisError {
            guard case .authenticationFailed = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(!"\(error)".contains(password))
        }
    }

    @Test func failedReconnectsBackOffExponentially() async throws {
        let port = try ReservedPort()
        // Seconds long, so that even with every other test running beside it (a second between
        // two awaits is possible then) the next ask still falls inside the first wait.
        let backoff = Backoff(initial: .seconds(4), maximum: .seconds(8))
        #expect(backoff.ceiling(afterFailures: 1) == .seconds(4))
        #expect(backoff.ceiling(afterFailures: 2) == .seconds(8))
        #expect(backoff.ceiling(afterFailures: 9) == .seconds(8))

        let connection = RedisConnection(
            config: RedisConfig(host: "127.0.0.1", port: port.port),
            options: .init(reconnectBackoff: backoff),
            logger: logger
        )
        try await expectConnectFailed(connection)
        let firstWait = try await expectBackingOff(connection)
        #expect(firstWait > .zero && firstWait <= .seconds(4))

        try await Task.sleep(for: firstWait + .milliseconds(20))
        try await expectConnectFailed(connection)
        let secondWait = try await expectBackingOff(connection)
        // Jittered within the upper half of each ceiling: first in [2, 4] s, second in [4, 8] s
        // (less whatever passed before the wait was read).
        #expect(secondWait > .seconds(3) && secondWait <= .seconds(8), "second wait \(secondWait)")
    }

    @Test func survivesARedisRestartWithoutPersistence() async throws {
        let server = try PrivateRedisServer()
        defer { server.kill() }
        try await server.start()

        // A backoff long enough that the second PING surely falls inside it, even on a slow machine.
        let options = RedisConnection.Options(reconnectBackoff: Backoff(initial: .seconds(1), maximum: .seconds(1)))
        let connection = try await RedisConnection.connect(config: server.config, options: options, logger: logger)
        let locks = SymbolLocks(connection: connection, logger: logger)
        let symbol = TestEnvironment.uniqueName("RESTART")
        let before = try #require(try await locks.acquire(symbol: symbol, ttl: .seconds(30)))

        try await server.stop()
        await #expect(throws: RedisError.self) { _ = try await connection.send("PING") }
        await #expect {
            _ = try await connection.send("PING")
        } throws: { error in
            if case RedisError.reconnectBackingOff = error { true } else { false }
        }

        try await server.start()
        var reply: RedisReply?
        for _ in 0..<50 where reply == nil {
            reply = try? await connection.send("PING")
            if reply == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(reply == .status("PONG"))
        #expect(try await connection.send("EXISTS", locks.fenceKey(for: symbol)) == .integer(0), "Redis kept its data: not a wipe")

        let after = try #require(try await locks.acquire(symbol: symbol, ttl: .seconds(5)))
        #expect(after.fencingToken > before.fencingToken)
        #expect(try await locks.release(before) == false)
        #expect(try await locks.release(after))
        await connection.close()
    }
}

// MARK: - Helpers

private let logger = Logger(label: "keel.test.locks")

private func makeConnection(options: RedisConnection.Options = .init()) async throws -> RedisConnection {
    try await RedisConnection.connect(config: try TestEnvironment.redis(), options: options, logger: logger)
}

private func makeLocks() async throws -> SymbolLocks {
    SymbolLocks(connection: try await makeConnection(), logger: logger)
}

private func serverMicroseconds(_ connection: RedisConnection) async throws -> Int64 {
    let reply = try await connection.send("TIME")
    guard case .array(let parts) = reply, parts.count == 2,
          let seconds = parts[0].text.flatMap({ Int64($0) }), let micros = parts[1].text.flatMap({ Int64($0) })
    else { throw RedisError.unexpectedReply(command: "TIME", reply: "\(reply)") }
    return seconds * 1_000_000 + micros
}

private func expectConnectFailed(_ connection: RedisConnection, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    do {
        _ = try await connection.send("PING")
        Issue.record("PING succeeded", sourceLocation: sourceLocation)
    } catch RedisError.connectFailed {
    } catch {
        Issue.record("expected connectFailed, got \(error)", sourceLocation: sourceLocation)
    }
}

private func expectBackingOff(_ connection: RedisConnection, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Duration {
    do {
        _ = try await connection.send("PING")
        Issue.record("PING succeeded", sourceLocation: sourceLocation)
    } catch let RedisError.reconnectBackingOff(_, retryIn, lastError) {
        #expect(lastError.contains("refused"), sourceLocation: sourceLocation)
        return retryIn
    } catch {
        Issue.record("expected reconnectBackingOff, got \(error)", sourceLocation: sourceLocation)
    }
    return .zero
}

/// Records who holds the lock, as seen by the holders themselves. A holder enters after its
/// acquire returned and leaves before it releases, so with a correct lock no two are ever
/// inside at once and the fencing tokens arrive in increasing order.
private final class HoldChecker: Sendable {
    struct State: Sendable {
        var holder: Int?
        var overlaps = 0
        var lastFence: Int64 = .min
        var nonIncreasingFences = 0
        var acquisitions: [Int: Int] = [:]
        var refusals = 0
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func enter(_ id: Int, fence: Int64) {
        state.withLock { state in
            if state.holder != nil { state.overlaps += 1 }
            state.holder = id
            if fence <= state.lastFence { state.nonIncreasingFences += 1 }
            state.lastFence = fence
            state.acquisitions[id, default: 0] += 1
        }
    }

    func leave(_ id: Int) {
        state.withLock { state in
            if state.holder == id { state.holder = nil }
        }
    }

    func refused() {
        state.withLock { $0.refusals += 1 }
    }
}

/// A redis-server of this test's own (no persistence), to stop and restart. The binary is
/// $KEEL_TEST_REDIS_SERVER, else `redis-server` on PATH.
private final class PrivateRedisServer: @unchecked Sendable {
    // @unchecked: used from one test only, sequentially.
    let port: Int
    private var process: Process?
    private let executable: URL

    var config: RedisConfig { RedisConfig(host: "127.0.0.1", port: port, connectTimeoutMs: 1000) }

    struct NotFound: Error, CustomStringConvertible {
        var description: String { "redis-server not found: install it or set KEEL_TEST_REDIS_SERVER" }
    }

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["KEEL_TEST_REDIS_SERVER"]].compactMap { $0 }
            + (environment["PATH"] ?? "/usr/bin:/usr/local/bin").split(separator: ":").map { "\($0)/redis-server" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw NotFound() }
        executable = URL(fileURLWithPath: path)
        let reserved = try ReservedPort()
        port = reserved.port  // released when `reserved` goes away, just before the server binds it
    }

    func start() async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", FileManager.default.temporaryDirectory.path, "--daemonize", "no",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<100 {
            let probe = RedisConnection(config: config, logger: logger)
            if (try? await probe.send("PING")) != nil {
                await probe.close()
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.connectFailed(endpoint: "127.0.0.1:\(port)", reason: "private redis-server did not start")
    }

    /// Kills the server the way a crash would (SIGKILL: processes started from a Swift test
    /// inherit a signal mask that blocks SIGTERM) and waits until it is gone.
    func stop() async throws {
        guard let process = kill() else { return }
        for _ in 0..<200 where process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Kills the server without waiting, for `defer`.
    @discardableResult
    func kill() -> Process? {
        guard let process else { return nil }
        self.process = nil
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        return process
    }
}
