import Foundation
import Store
import Testing

/// The dashboard in a real browser against a running paper stack: headless Chromium (through
/// Tests/Browser/dashboard_check.py) logs in, sees the equity chart and then a position appear
/// live, is refused pause without the operator token, pauses with it and sees the state
/// change; risk recorded the pause. The screenshot goes to $KEEL_TEST_ARTIFACTS/dashboard.png.
@Suite("End to end: the dashboard in a browser", .serialized)
struct DashboardBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Browser/dashboard_check.py")

    static var screenshot: URL {
        let folder = ProcessInfo.processInfo.environment["KEEL_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("dashboard.png")
    }

    @Test func thePageShowsTradingLiveAndPauses() async throws {
        // The scripted market of the paper-trade test, from bar 82 at three market minutes a
        // real minute: the strategy's entry comes about 180 s after the simulator starts, after
        // the page is open.
        try await TradingStack.run(
            market: .init(csv: PaperTradeEndToEndTests.marketCSV, start: "2026-01-05T01:22:00Z", speed: 3),
            symbols: [PaperTradeEndToEndTests.symbol.rawValue], run)
    }

    func run(_ stack: TradingStack) async throws {
        let screenshot = Self.screenshot
        try? FileManager.default.removeItem(at: screenshot)
        let result = try await KeelProcess.run(
            executable: try TestEnvironment.venvTool("python"),
            [
                Self.script.path, "http://127.0.0.1:\(stack.stack.httpPorts["notifier"]!)", stack.stack.readToken,
                stack.stack.operatorToken, screenshot.path,
            ],
            standardOutput: true)
        print("browser: \(result.standardOutput)")
        try #require(result.status == 0, "the browser check failed:\n\(result.standardError.suffix(4000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(seen["trading_state_before"] as? String == "trading" && seen["trading_state_after"] as? String == "PAUSED")
        #expect(seen["pause_without_token"] as? String == "Enter the operator token first.")
        #expect(seen["token_form_hidden"] as? Bool == true && seen["fits_phone_width"] as? Bool == true)
        #expect((seen["position"] as? [String])?.first == PaperTradeEndToEndTests.symbol.rawValue)
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot at \(screenshot.path)")
        print("dashboard screenshot: \(screenshot.path) (\(png.count) bytes)")

        let pool = PostgresPool(config: stack.stack.config.postgres)
        defer { Task { await pool.close() } }
        let control = try await pool.execute("SELECT paused, updated_by FROM risk_control").single()
        #expect(try control.bool(0) && control.string(1) == "api:operator")
        let command = try await pool.execute(
            "SELECT outcome FROM risk_operator_commands WHERE issued_by = 'api:operator' AND command = 'pause'").single()
        #expect(try command.string(0) == "applied")
    }
}
