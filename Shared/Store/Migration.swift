import Crypto
import Foundation

/// One versioned schema change. Once applied anywhere, a migration is never edited: add a new
/// one instead (the migrator refuses a recorded migration whose SQL has changed).
///
/// `sql` may hold several statements; it runs inside the migrator's transaction, so it must
/// not contain `BEGIN`/`COMMIT` or statements that cannot run in a transaction
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ...).
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Lowercase hex SHA-256 of the SQL text's UTF-8 bytes, as recorded in `schema_migrations`.
    public var checksum: String { SHA256.hash(data: Array(sql.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// Versions positive and strictly increasing; names and SQL non-empty.
    public static func validate(_ migrations: [Migration]) throws {
        var previous: Migration?
        for migration in migrations {
            guard migration.version > 0 else {
                throw MigrationError.invalidList("migration \(migration.version) \"\(migration.name)\": versions start at 1")
            }
            if let previous, migration.version <= previous.version {
                throw MigrationError.invalidList(
                    "migration \(migration.version) \"\(migration.name)\" follows \(previous.version) \"\(previous.name)\": versions must strictly increase"
                )
            }
            guard !migration.name.allSatisfy(\.isWhitespace) else {
                throw MigrationError.invalidList("migration \(migration.version) has no name")
            }
            guard !migration.sql.allSatisfy(\.isWhitespace) else {
                throw MigrationError.invalidList("migration \(migration.version) \"\(migration.name)\" has no SQL")
            }
            previous = migration
        }
    }
}

public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// The code's migration list itself is wrong.
    case invalidList(String)
    /// An applied migration's SQL differs from the code's: someone edited it after it ran.
    case checksumMismatch(version: Int, name: String, recordedChecksum: String, codeChecksum: String)
    /// A migration is not applied although a later version is: versions must be appended.
    case outOfOrder(version: Int, name: String, latestApplied: Int)
    /// The migration's SQL failed; its transaction was rolled back.
    case failed(version: Int, name: String, underlying: PostgresError)

    public var description: String {
        switch self {
        case .invalidList(let reason):
            "invalid migration list: \(reason)"
        case .checksumMismatch(let version, let name, let recorded, let code):
            "migration \(version) \"\(name)\" was applied with checksum \(recorded) but the code's SQL has checksum \(code): applied migrations must not be edited; add a new migration instead"
        case .outOfOrder(let version, let name, let latest):
            "migration \(version) \"\(name)\" is not applied but later migration \(latest) is: new migrations must have versions above every applied one"
        case .failed(let version, let name, let underlying):
            "migration \(version) \"\(name)\" failed and was rolled back: \(underlying)"
        }
    }
}
