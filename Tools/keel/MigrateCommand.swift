import ArgumentParser
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (safe to run concurrently).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        let pool = PostgresPool(config: config.postgres, applicationName: "keel-migrate", logger: cliLogger("keel.migrate"))
        let applied: [Int]
        do {
            applied = try await Migrator(logger: cliLogger("keel.migrate")).migrate(pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        print(applied.isEmpty ? "database is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
