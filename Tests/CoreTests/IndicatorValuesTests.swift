import Core
import Foundation
import Testing

@Suite struct IndicatorValuesTests {
    @Test func namesAreLookedUpReplacedAndRemoved() {
        var values: IndicatorValues = ["rsi_14": 56.2, "close": 186]
        #expect(values["rsi_14"] == 56.2 && values["close"] == 186 && values["atr_14"] == nil)
        values["rsi_14"] = 57
        values["atr_14"] = 1.5
        values["close"] = nil
        #expect(values.entries.map(\.name) == ["rsi_14", "atr_14"])
        #expect(values.entries.map(\.value) == [57, 1.5])
        values.append("stop_level", 177.5)
        #expect(values.dictionary == ["rsi_14": 57, "atr_14": 1.5, "stop_level": 177.5])
    }

    @Test func equalityAndHashingIgnoreTheOrder() {
        let one: IndicatorValues = ["a": 1, "b": 2]
        let other: IndicatorValues = ["b": 2, "a": 1]
        #expect(one == other && one.hashValue == other.hashValue)
        #expect(one != ["a": 1, "b": 3] && one != ["a": 1])
    }

    @Test func itIsWrittenAndReadAsAJSONObject() throws {
        let values: IndicatorValues = ["rsi_14": 56.2, "macd": -0.5]
        let json = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([String: Double].self, from: json) == ["rsi_14": 56.2, "macd": -0.5])
        #expect(try JSONDecoder().decode(IndicatorValues.self, from: json) == values)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IndicatorValues.self, from: Data(#"{"rsi": "high"}"#.utf8)) }
    }
}
