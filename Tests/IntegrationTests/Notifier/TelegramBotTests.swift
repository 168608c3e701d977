import Bus
import Core
import Logging
import Notifier
import Schemas
import Store
import Testing

/// The Telegram bot against a local stand-in of the Bot API, PostgreSQL (the outbox) and the
/// broker (operator commands).
@Suite("Telegram bot", .serialized)
struct TelegramBotTests {
    static let logger = Logger(label: "keel.test.telegram")
    static let operatorChat: Int64 = 4242

    static func alert(_ id: String, _ title: String) -> Keel_V1_Alert {
        Keel_V1_Alert(id: id, severity: .critical, source: "risk", title: title, text: "details of \(title)", at: Timestamp(milliseconds: 1))
    }

    /// Runs `body` with a bot over a scratch database and a fresh stand-in; `makeBot` makes a
    /// new bot on the same outbox (a restart).
    static func with(_ body: (TelegramStandIn, _ makeBot: () -> TelegramBot, PostgresPool, KafkaProducer) async throws -> Void) async throws {
        let standIn = TelegramStandIn()
        let baseURL = try await standIn.start()
        defer { Task { await standIn.stop() } }
        try await withScratchDatabase("telegram") { config in
            let pool = PostgresPool(config: config)
            defer { Task { await pool.close() } }
            _ = try await Migrator().migrate(pool)
            try await TopicAdmin(config: try TestEnvironment.kafka()).create([.init(name: Topic.opsCommands.rawValue, partitions: 3)])
            let producer = try KafkaProducer(config: try TestEnvironment.kafka(), logger: logger)
            defer { producer.close() }
            let settings = TelegramBot.Settings(
                operatorChats: [operatorChat], alertChats: [operatorChat],
                policy: DeliveryPolicy(minimumIntervalMs: 0, initialBackoffMs: 200, maximumBackoffMs: 1000), confirmationMs: 5000,
                outcomeWaitMs: 500)
            let makeBot = {
                TelegramBot(
                    client: TelegramClient(baseURL: baseURL, token: Secret(TelegramStandIn.token)), outbox: Outbox(pool: pool),
                    producer: producer, settings: settings, logger: logger)
            }
            try await body(standIn, makeBot, pool, producer)
        }
    }

    @Test("a 429 with retry_after holds the chat's queue exactly that long, then the message goes out once")
    func retryAfter() async throws {
        try await Self.with { standIn, makeBot, _, _ in
            let bot = makeBot()
            // Five seconds: on a busy machine the second look can come more than a second later.
            standIn.state.withLock { state in
                state.rateLimited = 1
                state.retryAfter = 5
            }
            try await bot.notify(Self.alert("a-1", "Drawdown breaker tripped"))
            #expect(try await bot.deliver() == 0, "Telegram said 429")
            #expect(try await bot.deliver() == 0, "not before retry_after")
            #expect(standIn.sent.isEmpty)
            try await Task.sleep(for: .milliseconds(5100))
            #expect(try await bot.deliver() == 1)
            #expect(standIn.sent == [.init(chatID: String(Self.operatorChat), text: "🛑 Drawdown breaker tripped\ndetails of Drawdown breaker tripped")])
        }
    }

    @Test("messages wait in the outbox while Telegram is down, survive a restart, go out in order and once")
    func outboxSurvivesARestart() async throws {
        try await Self.with { standIn, makeBot, _, _ in
            let first = makeBot()
            standIn.state.withLock { $0.down = true }
            for index in 1...3 { try await first.notify(Self.alert("b-\(index)", "Alert \(index)")) }
            #expect(try await first.deliver() == 0)
            standIn.state.withLock { $0.down = false }

            let restarted = makeBot()
            try await restarted.notify(Self.alert("b-2", "Alert 2"))  // Kafka delivers an alert again
            try await Task.sleep(for: .milliseconds(250))  // past the backoff
            #expect(try await restarted.deliver() == 1, "one batch")
            let texts = standIn.sent.map(\.text)
            #expect(texts.count == 1)
            #expect(texts.first?.components(separatedBy: "\n\n").map { $0.components(separatedBy: "\n")[0] } == [
                "🛑 Alert 1", "🛑 Alert 2", "🛑 Alert 3",
            ])
            #expect(try await restarted.deliver() == 0, "nothing sent twice")
        }
    }

    @Test("commands from allow-listed chats become operator commands; others are refused and publish nothing")
    func commands() async throws {
        try await Self.with { standIn, makeBot, _, _ in
            let bot = makeBot()
            let stranger: Int64 = 666
            standIn.receive("/pause", from: stranger)
            let pause = standIn.receive("/pause", from: Self.operatorChat)
            let close = standIn.receive("/close btcusdt", from: Self.operatorChat)
            standIn.receive("/flatten confirm", from: Self.operatorChat)  // nothing asked: refused
            standIn.receive("/flatten", from: Self.operatorChat)
            let flatten = standIn.receive("/flatten confirm", from: Self.operatorChat)
            let resume = standIn.receive("/resume", from: Self.operatorChat)
            standIn.receive("/launch rockets", from: Self.operatorChat)
            standIn.receive("/help", from: Self.operatorChat)
            try await bot.poll()
            try await bot.poll()  // the same updates are not handled twice
            _ = try await bot.deliver()

            let commands = try await BusTesting.operatorCommands(count: 4) { ["telegram:\(Self.operatorChat)", "telegram:\(stranger)"].contains($0.issuedBy) }
            #expect(commands.map(\.commandID) == ["telegram-\(pause)", "telegram-\(close)", "telegram-\(flatten)", "telegram-\(resume)"])
            #expect(commands.allSatisfy { $0.issuedBy == "telegram:\(Self.operatorChat)" })
            if case .pause? = commands[0].command {} else { Issue.record("first is pause") }
            if case .closeSymbol(let symbol)? = commands[1].command { #expect(symbol.symbol == "BTCUSDT") } else { Issue.record("second is close") }
            if case .flattenAll? = commands[2].command {} else { Issue.record("third is flatten") }
            if case .resume? = commands[3].command {} else { Issue.record("fourth is resume") }

            let replies = standIn.sent
            #expect(replies.first { $0.chatID == String(stranger) }?.text == "This chat may not command Keel.")
            let mine = replies.filter { $0.chatID == String(Self.operatorChat) }.flatMap { $0.text.components(separatedBy: "\n\n") }
            #expect(mine.contains("Nothing to confirm: send /flatten first."))
            #expect(mine.contains { $0.hasPrefix("unknown command /launch") })
            #expect(mine.contains(OperatorRequest.usage), "/help lists the commands")
        }
    }

    @Test("the chat is told what risk did with its command, or that risk did not answer in time")
    func outcomes() async throws {
        try await Self.with { standIn, makeBot, pool, _ in
            let bot = makeBot()
            let pause = standIn.receive("/pause", from: Self.operatorChat)
            let close = standIn.receive("/close ETHUSDT", from: Self.operatorChat)
            let resume = standIn.receive("/resume", from: Self.operatorChat)
            try await bot.poll()
            // As risk records them (RiskControlStore.recordCommand); the resume is never answered.
            try await pool.execute(
                """
                INSERT INTO risk_operator_commands (command_id, issued_by, command, symbol, outcome, detail, issued_at, applied_at)
                VALUES ($1, 'telegram:4242', 'pause', NULL, 'applied', 'entries paused', 1, 2),
                       ($2, 'telegram:4242', 'close_symbol', 'ETHUSDT', 'refused', 'no open ETHUSDT position', 1, 2)
                """, ["telegram-\(pause)", "telegram-\(close)"])
            try await bot.poll()
            _ = try await bot.deliver()
            var texts = standIn.sent.flatMap { $0.text.components(separatedBy: "\n\n") }
            #expect(texts.contains("✅ Done: /pause — entries paused"))
            #expect(texts.contains("❌ Refused by risk: /close ETHUSDT — no open ETHUSDT position"))
            #expect(!texts.contains { $0.contains("/resume —") || $0.hasPrefix("⌛") }, "the resume is still awaited")
            try await Task.sleep(for: .milliseconds(600))
            try await bot.poll()
            try await bot.poll()
            _ = try await bot.deliver()
            texts = standIn.sent.flatMap { $0.text.components(separatedBy: "\n\n") }
            #expect(texts.filter { $0.hasPrefix("⌛ Risk has not answered /resume (command telegram-\(resume)) within") }.count == 1)
            #expect(texts.filter { $0.hasPrefix("✅ Done: /pause") }.count == 1, "told once")
        }
    }

    @Test("/status, /positions and /pnl answer from what risk and execution recorded")
    func readCommands() async throws {
        try await Self.with { standIn, makeBot, pool, _ in
            let bot = makeBot()
            standIn.receive("/positions", from: Self.operatorChat)
            try await bot.poll()
            _ = try await bot.deliver()
            #expect(standIn.sent.last?.text == "No open positions.")

            try await pool.execute(
                """
                INSERT INTO exec_positions (symbol, side, size, average_price, mark_price, unrealised_pnl, realised_pnl, leverage,
                                            sequence, updated_at)
                VALUES ('BTCUSDT', 'buy', 0.010, 60000.5, 60100.5, 1.00, 0, 5, 1, 1)
                """)
            try await pool.execute(
                """
                INSERT INTO account_equity (account, currency, equity, wallet_balance, available_balance, unrealised_pnl, margin_used,
                                            recorded_at)
                VALUES ('a', 'USDT', 10001.25, 10000.25, 9000, 1.00, 120, 1)
                """)
            try await pool.execute(
                "INSERT INTO risk_control (account, paused, paused_reason) VALUES ('a', true, 'operator telegram:4242')")
            let now = Timestamp.systemNow().milliseconds
            try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                        is_maker, realised_pnl, filled_at)
                VALUES ('f1', 'k1', 'v1', 'BTCUSDT', 'sell', 60500, 0.005, 0.166, 'USDT', false, 2.334, $1)
                """, [now])
            for command in ["/status", "/positions", "/pnl"] { standIn.receive(command, from: Self.operatorChat) }
            try await bot.poll()
            _ = try await bot.deliver()
            let answers = try #require(standIn.sent.last?.text).components(separatedBy: "\n\n")
            #expect(answers == [
                "⏸ Paused: operator telegram:4242\nOpen positions: 1\nEquity: 10001.25 USDT (unrealised 1.00)",
                "BTCUSDT long 0.010 @ 60000.5 · mark 60100.5 · uPnL 1.00",
                "Realised today (UTC): 2.334 USDT over 1 fills\nEquity: 10001.25 USDT (unrealised 1.00)",
            ])
        }
    }

    @Test("entries, exits with their PnL, venue closes and rejections reach the alert chats once each")
    func tradeNotices() async throws {
        try await Self.with { standIn, makeBot, pool, _ in
            let bot = makeBot()
            try await pool.execute(
                """
                INSERT INTO exec_fills (fill_id, client_order_id, venue_order_id, symbol, side, price, quantity, fee, fee_currency,
                                        is_maker, realised_pnl, filled_at)
                VALUES ('x1', 'keel-exit', 'v2', 'BTCUSDT', 'sell', 60500, 0.005, 0.166, 'USDT', false, 2.334, 1),
                       ('s1', '', 'v3', 'BTCUSDT', 'sell', 59900, 0.005, 0.165, 'USDT', false, -0.665, 2)
                """)
            func message(_ topic: Topic, _ value: [UInt8]) -> ConsumedMessage {
                ConsumedMessage(topic: topic.rawValue, partition: 0, offset: 0, key: nil, value: value)
            }
            var entry = Keel_V1_OrderUpdate()
            entry.clientOrderID = "keel-entry"
            entry.symbol = "BTCUSDT"
            entry.side = .buy
            entry.role = .entry
            entry.status = .filled
            entry.filledQty = Keel_V1_Decimal(try FixedPoint(parsing: "0.010"))
            entry.avgFillPrice = Keel_V1_Decimal(try FixedPoint(parsing: "60000.5"))
            var exit = entry
            exit.clientOrderID = "keel-exit"
            exit.role = .exit
            exit.side = .sell
            exit.filledQty = Keel_V1_Decimal(try FixedPoint(parsing: "0.005"))
            exit.avgFillPrice = Keel_V1_Decimal(try FixedPoint(parsing: "60500"))
            var working = entry
            working.status = .new
            var venueClose = Keel_V1_Fill()
            venueClose.fillID = "s1"
            venueClose.symbol = "BTCUSDT"
            venueClose.qty = Keel_V1_Decimal(try FixedPoint(parsing: "0.005"))
            venueClose.price = Keel_V1_Decimal(try FixedPoint(parsing: "59900"))
            var rejection = Keel_V1_Rejection()
            rejection.intentID = "i-9"
            rejection.symbol = "ETHUSDT"
            rejection.side = .sell
            rejection.kind = .entry
            rejection.reasons = [.maxOpenPositions]
            rejection.message = "[max_open_positions] 3 open, limit 3"
            var duplicate = rejection
            duplicate.intentID = "i-10"
            duplicate.reasons = [.duplicate]
            for item in [
                message(.execOrders, try working.serializedBytes()), message(.execOrders, try entry.serializedBytes()),
                message(.execOrders, try entry.serializedBytes()), message(.execOrders, try exit.serializedBytes()),
                message(.execFills, try venueClose.serializedBytes()), message(.riskRejections, try rejection.serializedBytes()),
                message(.riskRejections, try duplicate.serializedBytes()),
            ] { try await bot.notice(item) }
            _ = try await bot.deliver()
            #expect(standIn.sent.count == 1)
            #expect(standIn.sent.first?.text.components(separatedBy: "\n\n") == [
                "✅ Entered BTCUSDT long 0.010 @ 60000.5",
                "📤 Exit BTCUSDT 0.005 @ 60500 · PnL 2.334 USDT",
                "🔔 BTCUSDT closed on the venue (stop-loss, take-profit or trailing stop): 0.005 @ 59900 · PnL -0.665 USDT",
                "🚫 ETHUSDT short entry rejected by risk: [max_open_positions] 3 open, limit 3",
            ])
        }
    }
}
