import ArgumentParser
import Bus
import Foundation
import Notifier
import Schemas
import Store
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each service's readiness, each consumer group's lag, and the latest trades (fills).")

    @OptionGroup var options: ConfigOptions
    @Option(
        name: .customLong("service"),
        help: "NAME=URL of a service's HTTP port; repeat for each. Default: the local stack's (deploy/local/run).")
    var services: [String] = StatusCommand.localServices
    @Option(help: "How many of the latest fills to show.") var trades: Int = 5

    /// The ports `deploy/local/run` gives the services, in its order.
    static let localServices = ["marketdata", "signals", "risk", "execution", "notifier"].enumerated().map { index, name in
        "\(name)=http://127.0.0.1:\(9101 + index)"
    }

    func validate() throws {
        guard (1...DashboardAPI.maximumLimit).contains(trades) else {
            throw ValidationError("--trades must be from 1 to \(DashboardAPI.maximumLimit)")
        }
        for service in services where service.split(separator: "=", maxSplits: 1).count != 2 {
            throw ValidationError("--service \(service): expected NAME=URL, e.g. risk=http://127.0.0.1:9103")
        }
    }

    func run() async throws {
        let config = try options.load()
        print("services")
        for service in services {
            let parts = service.split(separator: "=", maxSplits: 1).map(String.init)
            print("  \(parts[0].padding(toLength: 12, withPad: " ", startingAt: 0)) \(await Self.readiness(of: parts[1]))  \(parts[1])")
        }

        print("consumer lag (messages not yet handled)")
        for group in ConsumerGroup.allCases {
            let line: String
            do {
                let partitions = try await ConsumerLag.measure(config: config.kafka, group: group.name, topics: group.topicNames)
                line = "\(partitions.reduce(0) { $0 + $1.lag }) on \(group.topicNames.joined(separator: ", "))"
                    + " (\(partitions.count) partitions)"
            } catch {
                line = "unknown: \(error)"
            }
            print("  \(group.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(line)")
        }

        print("latest trades")
        let pool = PostgresPool(config: config.postgres, applicationName: "keel-status", logger: cliLogger("keel.status"))
        do {
            let fills = try await DashboardQueries(pool: pool).fills(limit: trades)
            let rows = try JSONSerialization.jsonObject(with: Data(fills.utf8)) as? [[String: Any]] ?? []
            if rows.isEmpty { print("  none yet") }
            for fill in rows { print("  " + Self.describe(fill: fill)) }
        } catch {
            print("  unknown: \(error)")
        }
        await pool.close()
    }

    /// "ready", or what /readyz said was missing, or why nothing answered.
    static func readiness(of base: String) async -> String {
        guard let url = URL(string: base + "/readyz") else { return "bad URL" }
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        do {
            let (body, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 200 { return "ready    " }
            let details = (try? JSONSerialization.jsonObject(with: body) as? [String: String]) ?? [:]
            let failing = details.filter { $0.key != "status" && $0.key != "service" && $0.value != "ok" }
                .sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            return "NOT READY (\(failing.joined(separator: "; ")))"
        } catch {
            return "DOWN (\(error.localizedDescription))"
        }
    }

    static func describe(fill: [String: Any]) -> String {
        let time = (fill["filled_at"] as? Int).map { Date(timeIntervalSince1970: Double($0) / 1000).ISO8601Format() } ?? "?"
        let text = { (key: String) in fill[key] as? String ?? "?" }
        return "\(time)  \(text("symbol")) \(text("side")) \(text("quantity")) @ \(text("price"))"
            + "  fee \(text("fee")) \(text("fee_currency"))  \(text("client_order_id"))"
    }
}
