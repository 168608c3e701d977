import Config
import Core
import Foundation
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Store against the real PostgreSQL (`KEEL_TEST_POSTGRES_PORT`). Tests that keep state get a
/// database of their own, dropped at the end.
@Suite("StoreTests")
struct StoreTests {
    // MARK: Statements

    @Test func parameterisedRoundTripKeepsHostileTextNullsAndExtremes() async throws {
        try await withScratchDatabase("store_params") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await pool.execute("CREATE TABLE notes (id bigint PRIMARY KEY, body text, amount numeric)")

            let hostile = #"Robert'); DROP TABLE notes; -- "quoted" \ $1 ; 'x' ünïcødé"#
            let decimal = "123456789012345678901234567890.000000000000000001"
            let inserted = try await pool.execute(
                "INSERT INTO notes (id, body, amount) VALUES ($1, $2, $3), ($4, $5, $6)",
                [Int64.min, hostile, decimal, Int64.max, nil, nil]
            )
            #expect(inserted.affectedRows == 2)
            #expect(inserted.commandTag == "INSERT 0 2")

            let rows = try await pool.execute(
                "SELECT id, body, amount, body IS NULL AS missing FROM notes WHERE body = $1 OR body IS NULL ORDER BY id",
                [hostile]
            ).rows
            try #require(rows.count == 2)
            #expect(try rows[0].int64("id") == Int64.min)
            #expect(try rows[0].string("body") == hostile)
            #expect(try rows[0].string(2) == decimal)
            #expect(try rows[0].bool("missing") == false)
            #expect(try rows[1].int64(0) == Int64.max)
            #expect(try rows[1].optionalString("body") == nil)
            #expect(try rows[1].isNull("amount"))
            #expect(try rows[1].bool(3))
            #expect(throws: PostgresError.self) { try rows[1].string("body") }
            #expect(throws: PostgresError.self) { try rows[1].int64("no_such_column") }

            // The table survived the hostile text, and typed parameters round-trip too.
            let typed = try await pool.execute(
                "SELECT count(*) AS n, $1::bool AS yes, $2::bool AS no, $3::int8 AS big, $4::float8 AS x FROM notes",
                [true, false, Int64.max, 0.1]
            ).single()
            #expect(try typed.int64("n") == 2)
            #expect(try typed.bool("yes") && !(try typed.bool("no")))
            #expect(try typed.int64("big") == Int64.max)
            #expect(try typed.double("x") == 0.1)
        }
    }

    @Test func coreDecimalsRoundTripExactlyThroughNumeric() async throws {
        try await withScratchDatabase("store_decimals") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await pool.execute("CREATE TABLE amounts (id int PRIMARY KEY, price numeric, qty numeric, money numeric)")
            let price = try Price(parsing: "60000.10")
            let quantity = try Quantity(parsing: "0.00000001")
            let money = try Money(parsing: "-123456789.12345678")
            try await pool.execute("INSERT INTO amounts VALUES (1, $1, $2, $3)", [price, quantity, money])
            let row = try await pool.execute("SELECT price, qty, money FROM amounts").single()
            #expect(try row.decode(Price.self, "price") == price)
            #expect(try row.decode(Quantity.self, "qty") == quantity)
            #expect(try row.decode(Money.self, "money") == money)
            #expect(try row.string("price") == "60000.10")
        }
    }

    @Test func parameterWithNulByteIsRefused() async throws {
        let pool = PostgresPool(config: try TestEnvironment.postgres())
        defer { Task { await pool.close() } }
        do {
            try await pool.execute("SELECT $1::text", ["a\u{0}b"])
            Issue.record("a NUL byte was sent")
        } catch let error as PostgresError {
            #expect(error.kind == .invalidParameter)
        }
    }

    @Test func uniqueViolationIsReportedAsSuch() async throws {
        try await withScratchDatabase("store_unique") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator().migrate(pool)
            let insert = "INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2)"
            try await pool.execute(insert, ["risk", "secret-message-id-42"])
            do {
                try await pool.execute(insert, ["risk", "secret-message-id-42"])
                Issue.record("duplicate insert succeeded")
            } catch let error as PostgresError {
                #expect(error.isUniqueViolation)
                #expect(error.sqlState == "23505")
                #expect(error.kind == .statement)
                #expect(!error.isConnectionError)
                #expect(error.constraint == "processed_messages_pkey")
                #expect(error.detail?.contains("secret-message-id-42") == true)
                // The description names the constraint but never the values.
                #expect(error.description.contains("processed_messages_pkey"))
                #expect(!error.description.contains("secret-message-id-42"))
            }
            // The connection that saw the error is still good.
            #expect(try await pool.execute("SELECT count(*) FROM processed_messages").single().int64(0) == 1)
        }
    }

    @Test func dataExceptionDescriptionRedactsTheInput() async throws {
        let pool = PostgresPool(config: try TestEnvironment.postgres())
        defer { Task { await pool.close() } }
        do {
            try await pool.execute("SELECT $1::int8", ["hunter2-api-key"])
            Issue.record("bad integer accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == "22P02")
            #expect(error.message.contains("hunter2-api-key"))
            #expect(!error.description.contains("hunter2-api-key"))
            #expect(error.description.contains("SELECT $1::int8"))
        }
    }

    // MARK: Transactions

    struct Boom: Error {}

    @Test func transactionRollsBackOnThrowAndCommitsOnSuccess() async throws {
        try await withScratchDatabase("store_tx") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await pool.execute("CREATE TABLE t (id int PRIMARY KEY)")

            await #expect(throws: Boom.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES ($1)", [1])
                    throw Boom()
                }
            }
            #expect(try await pool.execute("SELECT count(*) FROM t").single().int64(0) == 0)

            // A failing statement aborts the transaction; it is rolled back and the pool goes on.
            await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES ($1)", [2])
                    try await connection.execute("INSERT INTO t VALUES ($1)", [2])
                }
            }
            #expect(try await pool.execute("SELECT count(*) FROM t").single().int64(0) == 0)

            let value = try await pool.withTransaction { connection in
                try await connection.execute("INSERT INTO t VALUES ($1), ($2)", [3, 4])
                return "done"
            }
            #expect(value == "done")
            #expect(try await pool.execute("SELECT count(*) FROM t").single().int64(0) == 2)

            // A connection handed back inside a transaction is not reused (no leaked BEGIN).
            try await pool.withConnection { connection in
                try await connection.execute("BEGIN")
                try await connection.execute("INSERT INTO t VALUES ($1)", [5])
            }
            for _ in 0..<8 {
                #expect(try await pool.execute("SELECT count(*) FROM t").single().int64(0) == 2)
            }
        }
    }

    // MARK: Migrations

    static let sampleMigrations = [
        Migration(version: 1, name: "accounts", sql: "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);"),
        Migration(
            version: 2,
            name: "orders",
            sql: """
                CREATE TABLE orders (id bigint PRIMARY KEY, account bigint NOT NULL REFERENCES accounts);
                -- Slow on purpose, so that concurrent migrators overlap.
                SELECT pg_sleep(0.3);
                CREATE INDEX orders_account ON orders (account);
                """
        ),
        Migration(version: 5, name: "fills", sql: "CREATE TABLE fills (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders);"),
    ]

    @Test func migrationsApplyOnceAndAreRecorded() async throws {
        try await withScratchDatabase("store_migrate") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            let keel = try Migrator()
            #expect(try await keel.migrate(pool) == KeelMigrations.all.map(\.version))
            #expect(try await keel.migrate(pool) == [])

            let more = try Migrator(migrations: KeelMigrations.all + Self.sampleMigrations.map {
                Migration(version: $0.version + 100, name: $0.name, sql: $0.sql)
            })
            #expect(try await more.migrate(pool) == [101, 102, 105])
            #expect(try await more.migrate(pool) == [])

            let rows = try await pool.execute(
                "SELECT version, name, checksum, encode(sha256(convert_to($1, 'UTF8')), 'hex') AS reference, applied_at IS NOT NULL AS stamped FROM schema_migrations ORDER BY version",
                [KeelMigrations.all[0].sql]
            ).rows
            #expect(try rows.map { try $0.int("version") } == more.migrations.map(\.version))
            #expect(try rows.map { try $0.string("name") } == more.migrations.map(\.name))
            #expect(try rows.map { try $0.string("checksum") } == more.migrations.map(\.checksum))
            #expect(try rows.allSatisfy { try $0.bool("stamped") })
            // Our SHA-256 agrees with PostgreSQL's.
            #expect(try rows[0].string("checksum") == rows[0].string("reference"))
            // The migrated schema works: the tables exist with their keys.
            try await pool.execute("INSERT INTO accounts VALUES ($1, $2)", [1, "main"])
            try await pool.execute("INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2)", ["c", "m"])
        }
    }

    @Test func concurrentMigratorsApplyEachVersionExactlyOnce() async throws {
        try await withScratchDatabase("store_race") { config in
            let first = PostgresPool(config: config, applicationName: "migrator-a")
            let second = PostgresPool(config: config, applicationName: "migrator-b")
            defer { Task { await first.close(); await second.close() } }
            let migrator = try Migrator(migrations: Self.sampleMigrations)

            async let a = migrator.migrate(first)
            async let b = migrator.migrate(second)
            let (appliedByA, appliedByB) = try await (a, b)

            #expect((appliedByA + appliedByB).sorted() == [1, 2, 5])
            #expect(Set(appliedByA).isDisjoint(with: appliedByB))
            let versions = try await first.execute("SELECT version FROM schema_migrations ORDER BY version").rows
            #expect(try versions.map { try $0.int(0) } == [1, 2, 5])
            // The lock was released: a third run takes it and finds nothing to do.
            #expect(try await migrator.migrate(second) == [])
        }
    }

    @Test func editedMigrationIsRefusedByVersion() async throws {
        try await withScratchDatabase("store_checksum") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            try await Migrator(migrations: Array(Self.sampleMigrations.prefix(2))).migrate(pool)

            var edited = Self.sampleMigrations
            edited[1] = Migration(version: 2, name: "orders", sql: edited[1].sql + "\n-- edited")
            do {
                try await Migrator(migrations: edited).migrate(pool)
                Issue.record("edited migration accepted")
            } catch let error as MigrationError {
                guard case .checksumMismatch(let version, _, _, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(version == 2)
                #expect(error.description.contains("migration 2 \"orders\""))
            }
            // Nothing was applied: version 5 (new in that list) is still missing.
            let versions = try await pool.execute("SELECT version FROM schema_migrations ORDER BY version").rows
            #expect(try versions.map { try $0.int(0) } == [1, 2])

            // A version slipped in below an applied one is refused too.
            let late = [Self.sampleMigrations[0], Self.sampleMigrations[1], Migration(version: 3, name: "late", sql: "SELECT 1")]
            try await Migrator(migrations: Self.sampleMigrations).migrate(pool)
            await #expect(throws: MigrationError.self) { try await Migrator(migrations: late + [Self.sampleMigrations[2]]).migrate(pool) }
        }
    }

    @Test func invalidMigrationListsAreRejected() throws {
        let one = Migration(version: 1, name: "a", sql: "SELECT 1")
        #expect(throws: MigrationError.self) { try Migrator(migrations: [one, one]) }
        #expect(throws: MigrationError.self) { try Migrator(migrations: [Migration(version: 2, name: "b", sql: "SELECT 1"), one]) }
        #expect(throws: MigrationError.self) { try Migrator(migrations: [Migration(version: 0, name: "z", sql: "SELECT 1")]) }
        #expect(throws: MigrationError.self) { try Migrator(migrations: [Migration(version: 1, name: "", sql: "SELECT 1")]) }
        #expect(throws: MigrationError.self) { try Migrator(migrations: [Migration(version: 1, name: "e", sql: "  ")]) }
        _ = try Migrator()
    }

    // MARK: Pool behaviour

    @Test func poolRecoversAfterServerTerminatesItsConnections() async throws {
        try await withScratchDatabase("store_kill") { config in
            let admin = PostgresPool(config: try TestEnvironment.postgres())
            var small = config
            small.poolSize = 2
            let pool = PostgresPool(config: small)
            defer { Task { await pool.close(); await admin.close() } }

            // Open both connections.
            async let one = pool.execute("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
            async let two = pool.execute("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
            let before = try await Set([one.single().int64("pid"), two.single().int64("pid")])
            #expect(before.count == 2)

            try await terminateBackends(of: small.database, using: admin)
            for _ in 0..<4 {
                let pid = try await pool.execute("SELECT pg_backend_pid()").single().int64(0)
                #expect(!before.contains(pid))
            }

            // A connection killed while leased: the statement fails as connection-lost, the
            // connection is discarded, and the pool carries on.
            try await pool.withConnection { connection in
                try await terminateBackends(of: small.database, using: admin)
                do {
                    try await connection.execute("SELECT 1")
                    Issue.record("query on a terminated connection succeeded")
                } catch let error as PostgresError {
                    #expect(error.kind == .connectionLost)
                    #expect(error.isConnectionError)
                }
                #expect(!connection.isReusable)
            }
            #expect(try await pool.execute("SELECT 42").single().int(0) == 42)
            #expect(await pool.statistics.open <= 2)
        }
    }

    @Test func callersQueueWhenAllConnectionsAreBusy() async throws {
        var config = try TestEnvironment.postgres()
        config.poolSize = 2
        let pool = PostgresPool(config: config)
        defer { Task { await pool.close() } }
        let start = ContinuousClock.now
        let pids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<6 {
                group.addTask { try await pool.execute("SELECT pg_backend_pid(), pg_sleep(0.2)").single().int64(0) }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(pids.count <= 2)
        #expect(ContinuousClock.now - start >= .milliseconds(550))
        #expect(await pool.statistics.open <= 2)
    }

    @Test func cancellingAStatementReturnsPromptlyAndThePoolGoesOn() async throws {
        var config = try TestEnvironment.postgres()
        config.poolSize = 1
        let pool = PostgresPool(config: config)
        defer { Task { await pool.close() } }
        let observer = PostgresPool(config: try TestEnvironment.postgres())
        defer { Task { await observer.close() } }
        let slow = Task { try await pool.execute("SELECT pg_sleep(30)") }
        // Cancel once the statement is running on the server (a fixed pause raced a slow first
        // connection on a fresh cluster: the cancel then came before the statement was sent).
        var running: Int64 = 0
        for _ in 0..<250 where running == 0 {
            running = try await observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
            ).single().int64(0)
            if running == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try #require(running == 1)
        let start = ContinuousClock.now
        slow.cancel()
        await #expect(throws: CancellationError.self) { try await slow.value }
        #expect(ContinuousClock.now - start < .seconds(2))
        // The cancelled connection is replaced; the server-side statement was cancelled too.
        #expect(try await pool.execute("SELECT 7").single().int(0) == 7)
        var stillRunning: Int64 = -1
        for _ in 0..<200 where stillRunning != 0 {
            stillRunning = try await pool.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
            ).single().int64(0)
            if stillRunning != 0 { try await Task.sleep(for: .milliseconds(40)) }
        }
        #expect(stillRunning == 0)
    }

    @Test func closedPoolRefusesWork() async throws {
        let pool = PostgresPool(config: try TestEnvironment.postgres())
        try await pool.ping(timeout: Self.freshConnectionPing)
        await pool.close()
        do {
            try await pool.execute("SELECT 1")
            Issue.record("closed pool ran a statement")
        } catch let error as PostgresError {
            #expect(error.kind == .closed)
        }
    }

    // MARK: Ping and reconnect backoff

    /// A ping on a new pool also connects and logs in; with every suite starting at once on two
    /// cores that has taken longer than the default 2 s.
    static let freshConnectionPing = Duration.seconds(15)

    @Test func pingSucceedsAgainstTheServer() async throws {
        let pool = PostgresPool(config: try TestEnvironment.postgres())
        defer { Task { await pool.close() } }
        try await pool.ping(timeout: Self.freshConnectionPing)
    }

    @Test func pingFailsFastWhenNothingListens() async throws {
        var config = try TestEnvironment.postgres()
        config.port = try unusedPort()
        let pool = PostgresPool(config: config)
        defer { Task { await pool.close() } }
        for _ in 0..<3 {
            let start = ContinuousClock.now
            do {
                try await pool.ping()
                Issue.record("ping succeeded with nothing listening")
            } catch let error as PostgresError {
                #expect(error.kind == .connectionFailed || error.kind == .timeout)
                #expect(!error.description.isEmpty)
            }
            // Refused at once; the bound leaves room for the tests running beside it.
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    @Test func pingTimesOutWhenTheServerNeverAnswers() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var config = try TestEnvironment.postgres()
        config.port = listener.port
        config.connectTimeoutSeconds = 60
        let pool = PostgresPool(config: config)
        defer { Task { await pool.close() } }
        let start = ContinuousClock.now
        do {
            try await pool.ping(timeout: .milliseconds(500))
            Issue.record("ping succeeded against a silent server")
        } catch let error as PostgresError {
            #expect(error.kind == .timeout)
        }
        // The ping's 500 ms, not the 60 s connect timeout: well under 60 s, with room for the
        // tests running beside it (it took 2.4 s once on a busy CI run).
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func passwordNeverAppearsInErrors() async throws {
        var config = try TestEnvironment.postgres()
        config.port = try unusedPort()
        config.password = Secret("correct-horse-battery-staple")
        do {
            _ = try await PostgresConnection.connect(config: config)
            Issue.record("connected to nothing")
        } catch let error as PostgresError {
            #expect(error.kind == .connectionFailed)
            #expect(!"\(error)".contains("correct-horse"))
        }
    }
}

// MARK: - Helpers

/// Creates a database for one test, runs `body` with its config, and drops it afterwards.
func withScratchDatabase(_ prefix: String, _ body: (PostgresConfig) async throws -> Void) async throws {
    let name = TestEnvironment.uniqueName(prefix)
    let admin = PostgresPool(config: try TestEnvironment.postgres())
    try await admin.execute("CREATE DATABASE \(postgresQuotedIdentifier(name))")
    let outcome: Result<Void, any Error>
    do {
        try await body(try TestEnvironment.postgres(database: name))
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    _ = try? await admin.execute("DROP DATABASE IF EXISTS \(postgresQuotedIdentifier(name)) WITH (FORCE)")
    await admin.close()
    try outcome.get()
}

/// Terminates every session on `database` except the caller's, and waits until they are gone.
private func terminateBackends(of database: String, using admin: PostgresPool) async throws {
    try await admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [database]
    )
    for _ in 0..<100 {
        let left = try await admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [database]
        ).single().int64(0)
        if left == 0 { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("sessions on \(database) did not end")
}

/// A loopback TCP port with nothing listening on it (bound, read, released).
private func unusedPort() throws -> Int {
    let listener = try SilentListener()
    let port = listener.port
    listener.close()
    return port
}

/// A loopback TCP socket that accepts connections (via the kernel backlog) but never answers.
private final class SilentListener {
    let descriptor: Int32
    let port: Int

    struct Failure: Error {}

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            Glibc.close(descriptor)
            throw Failure()
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }
}
