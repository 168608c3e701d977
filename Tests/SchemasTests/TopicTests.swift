import Foundation
import Schemas
import SwiftProtobuf
import Testing

@Suite("Topics")
struct TopicTests {
    /// DESIGN.md, "Topics", in table order.
    static let designTopics = [
        "md.trades.v1", "md.candles.v1", "md.book.v1", "md.tickers.v1",
        "signals.intents.v1", "risk.orders.v1", "risk.rejections.v1",
        "exec.orders.v1", "exec.fills.v1", "exec.positions.v1",
        "account.equity.v1", "ops.alerts.v1", "ops.commands.v1",
    ]

    static let messageNames: [Topic: String] = [
        .mdTrades: "keel.v1.Trade", .mdCandles: "keel.v1.Candle", .mdBook: "keel.v1.BookSnapshot",
        .mdTickers: "keel.v1.Ticker", .signalsIntents: "keel.v1.Intent",
        .riskOrders: "keel.v1.ApprovedOrder", .riskRejections: "keel.v1.Rejection",
        .execOrders: "keel.v1.OrderUpdate", .execFills: "keel.v1.Fill",
        .execPositions: "keel.v1.PositionSnapshot", .accountEquity: "keel.v1.EquitySnapshot",
        .opsAlerts: "keel.v1.Alert", .opsCommands: "keel.v1.OperatorCommand",
    ]

    @Test func namesMatchDesign() {
        #expect(Topic.allCases.map(\.name) == Self.designTopics)
        #expect(Set(Topic.allCases.map(\.name)).count == Topic.allCases.count)
        #expect(Topic.allCases.allSatisfy { $0.name.hasSuffix(".v1") && $0.description == $0.name })
    }

    @Test func deadLetterTopics() {
        #expect(Topic.allCases.map(\.deadLetter) == Self.designTopics.map { $0 + ".dlq" })
        #expect(Topic.mdTrades.deadLetter == "md.trades.v1.dlq")
        for topic in Topic.allCases {
            #expect(Topic(deadLetter: topic.deadLetter) == topic)
            #expect(Topic(deadLetter: topic.name) == nil)
        }
        #expect(Topic(deadLetter: "md.unknown.v1.dlq") == nil)
        #expect(Topic.allNames == Self.designTopics + Self.designTopics.map { $0 + ".dlq" })
    }

    @Test func onlyPositionsAreCompacted() {
        #expect(Topic.allCases.filter(\.isCompacted) == [.execPositions])
    }

    @Test func messageTypes() {
        for topic in Topic.allCases {
            #expect(topic.messageType.protoMessageName == Self.messageNames[topic], "\(topic)")
        }
        #expect(ObjectIdentifier(Topic.mdTrades.messageType) == ObjectIdentifier(Keel_V1_Trade.self))
    }

    @Test func protoCommentsNameTheTopicOfEachMessage() {
        // Each topic message is declared right after a "// Topic <name>" comment.
        let declared = ProtoSchema.shared.topicMessages
        #expect(Set(declared.keys) == Set(Self.designTopics))
        for topic in Topic.allCases {
            #expect(declared[topic.name] == topic.messageType.protoMessageName, "\(topic)")
        }
    }

    @Test func everyProtoHasGeneratedSwift() throws {
        let schemas = ProtoSchema.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let generated = schemas.appendingPathComponent("Generated")
        let protos = try ProtoSchema.protoFiles(in: ProtoSchema.directory)
            .map { $0.deletingPathExtension().lastPathComponent }
        let swift = try FileManager.default.contentsOfDirectory(atPath: generated.path)
            .filter { $0.hasSuffix(".pb.swift") }
            .map { String($0.dropLast(".pb.swift".count)) }
        #expect(protos.count >= 6)
        #expect(Set(protos) == Set(swift))
    }
}
