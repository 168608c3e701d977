import Foundation
import Testing
import Core

@Suite("Symbol and Side")
struct SymbolTests {
    @Test(arguments: ["BTCUSDT", "ETHUSDT", "1000PEPEUSDT", "A", "9", String(repeating: "X", count: 32)])
    func accepts(text: String) throws {
        #expect(try Symbol(text).rawValue == text)
        #expect(try Symbol(text).description == text)
    }

    @Test(arguments: [
        ("", SymbolError.Reason.empty),
        (String(repeating: "X", count: 33), .tooLong(33)),
        ("btcusdt", .invalidCharacter("b")),
        ("BTC-USDT", .invalidCharacter("-")),
        ("BTC/USDT", .invalidCharacter("/")),
        ("BTC USDT", .invalidCharacter(" ")),
        (" BTCUSDT", .invalidCharacter(" ")),
        ("BTCUSDT\n", .invalidCharacter("\n")),
        ("BTCÜSDT", .invalidCharacter("Ü")),
    ])
    func refuses(text: String, reason: SymbolError.Reason) {
        let error = #expect(throws: SymbolError.self) { try Symbol(text) }
        #expect(error?.reason == reason)
        #expect(error?.input == text)
        #expect(error?.description.contains("invalid symbol") == true)
    }

    @Test func codableValidates() throws {
        let data = try JSONEncoder().encode([Symbol("BTCUSDT")])
        #expect(String(decoding: data, as: UTF8.self) == #"["BTCUSDT"]"#)
        #expect(try JSONDecoder().decode([Symbol].self, from: data) == [Symbol("BTCUSDT")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Symbol].self, from: Data(#"["btc"]"#.utf8)) }
    }

    @Test func ordering() throws {
        #expect(try Symbol("BTCUSDT") < Symbol("ETHUSDT"))
        #expect(try Symbol("BTCUSDT") == Symbol("BTCUSDT"))
    }

    @Test func sideOpposite() {
        #expect(Side.buy.opposite == .sell)
        #expect(Side.sell.opposite == .buy)
        #expect(Side.allCases.allSatisfy { $0.opposite.opposite == $0 })
        #expect(Side.buy.description == "buy")
    }
}
