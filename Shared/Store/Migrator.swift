import Logging

/// Applies versioned migrations, recording each in `schema_migrations`.
///
/// * Each migration runs in its own transaction together with its `schema_migrations` row,
///   so it is applied entirely or not at all.
/// * Idempotent: applied versions are skipped; a second run applies nothing.
/// * Safe when several services start at once: the whole run holds a session-level advisory
///   lock (`pg_advisory_lock(Migrator.advisoryLockKey)`, per database) on one connection, so
///   concurrent migrators run one after the other; the later ones find nothing left to do.
/// * Refuses to run (before applying anything) if an applied migration's checksum differs
///   from the code's, or if an unapplied migration's version is below an applied one.
///   Applied versions the code does not know (a newer release migrated first) are logged
///   and left alone.
public struct Migrator: Sendable {
    /// Advisory-lock key serialising migrators (ASCII "KeelMigr").
    public static let advisoryLockKey: Int64 = 0x4B65_656C_4D69_6772

    public let migrations: [Migration]
    private let logger: Logger

    /// Validates `migrations` (see `Migration.validate`).
    public init(migrations: [Migration] = KeelMigrations.all, logger: Logger = Logger(label: "keel.store.migrations")) throws {
        try Migration.validate(migrations)
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies pending migrations using one of the pool's connections; returns the versions
    /// applied by this call, in order (empty if the schema was already current).
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [Int] {
        try await pool.withConnection { connection in try await migrate(connection) }
    }

    /// Applies pending migrations on `connection` (which must not be inside a transaction).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) async throws -> [Int] {
        try await connection.execute("SELECT pg_advisory_lock($1::bigint)", [Self.advisoryLockKey])
        let applied: [Int]
        do {
            applied = try await migrateHoldingLock(connection)
        } catch {
            await unlock(connection)
            throw error
        }
        await unlock(connection)
        return applied
    }

    private func unlock(_ connection: PostgresConnection) async {
        do {
            try await connection.execute("SELECT pg_advisory_unlock($1::bigint)", [Self.advisoryLockKey])
        } catch {
            // Closing the session releases the lock on the server.
            logger.warning("could not release the migration lock; discarding the connection", metadata: ["error": "\(error)"])
            connection.markBroken()
        }
    }

    private func migrateHoldingLock(_ connection: PostgresConnection) async throws -> [Int] {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        let rows = try await connection.execute("SELECT version, name, checksum FROM schema_migrations ORDER BY version").rows
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in rows {
            recorded[try row.int("version")] = (try row.string("name"), try row.string("checksum"))
        }

        let known = Set(migrations.map(\.version))
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) where !known.contains(version) {
            logger.warning(
                "database has a migration this build does not know (applied by a newer release?)",
                metadata: ["migration.version": "\(version)", "migration.name": "\(entry.name)"]
            )
        }
        for migration in migrations {
            guard let entry = recorded[migration.version] else { continue }
            let checksum = migration.checksum
            guard entry.checksum == checksum else {
                throw MigrationError.checksumMismatch(
                    version: migration.version, name: migration.name,
                    recordedChecksum: entry.checksum, codeChecksum: checksum
                )
            }
        }
        let pending = migrations.filter { recorded[$0.version] == nil }
        if let latest = recorded.keys.max(), let first = pending.first, first.version < latest {
            throw MigrationError.outOfOrder(version: first.version, name: first.name, latestApplied: latest)
        }

        var applied: [Int] = []
        for migration in pending {
            logger.info("applying migration", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            do {
                try await connection.withTransaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        [migration.version, migration.name, migration.checksum]
                    )
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(version: migration.version, name: migration.name, underlying: error)
            }
            applied.append(migration.version)
        }
        if applied.isEmpty {
            logger.debug("schema is up to date", metadata: ["migration.latest": "\(migrations.last?.version ?? 0)"])
        } else {
            logger.info("migrations applied", metadata: ["migration.versions": "\(applied.map(String.init).joined(separator: ","))"])
        }
        return applied
    }
}
