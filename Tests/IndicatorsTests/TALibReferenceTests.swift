import Foundation
import Indicators
import Testing

/// Every indicator TA-Lib defines, against TA-Lib's own output on the real BTC/USD hourly bars
/// (`Reference/talib_btcusd_1h.csv`, made by scripts/indicators/talib_reference.py): the same
/// warm-up (no value exactly where TA-Lib has none) and the same values to 1e-9 relative
/// (absolute below 1), bar by bar and in batch.
@Suite("TA-Lib reference")
struct TALibReferenceTests {
    static let reference = try! ReferenceTable.load("talib_btcusd_1h.csv")

    enum Path: String, CaseIterable, Sendable { case incremental, batch }

    /// Keel's value of every catalogue column over the reference bars, computed each way.
    static let keel: [Path: [String: [Double?]]] = {
        var paths: [Path: [String: [Double?]]] = [:]
        for entry in IndicatorCatalog.all {
            for (name, values) in zip(entry.columns, entry.incremental(reference.bars)) { paths[.incremental, default: [:]][name] = values }
            for (name, values) in zip(entry.columns, entry.batch(BarSeries(reference.bars))) {
                paths[.batch, default: [:]][name] = values.map { $0.isNaN ? nil : $0 }
            }
        }
        return paths
    }()

    static let talibOutputs: Set<String> = [
        "sma_20", "ema_20", "wma_20", "macd", "macd_signal", "macd_hist", "rsi_14", "atr_14", "bb_upper", "bb_middle",
        "bb_lower", "stoch_k", "stoch_d", "adx_14", "plus_di_14", "minus_di_14", "obv", "stddev_20", "correl_high_low_30",
    ]

    @Test("the reference holds every TA-Lib output, over enough bars")
    func coverage() {
        #expect(Set(Self.reference.columns.keys) == Self.talibOutputs)
        #expect(Self.reference.bars.count >= 1000)
    }

    @Test("matches TA-Lib", arguments: Self.talibOutputs.sorted(), Path.allCases)
    func matches(output: String, path: Path) throws {
        let expected = try #require(Self.reference.columns[output])
        let actual = try #require(Self.keel[path]?[output], "the catalogue has no \(output)")
        #expect(actual.count == expected.count)
        let warmUp = expected.prefix { $0 == nil }.count
        #expect(warmUp < expected.count, "TA-Lib gave \(output) a value")
        for (index, (mine, theirs)) in zip(actual, expected).enumerated() {
            guard let theirs else {
                #expect(mine == nil, "\(output) bar \(index): TA-Lib has no value yet, Keel has \(String(describing: mine))")
                continue
            }
            let value = try #require(mine, "\(output) bar \(index): TA-Lib has \(theirs), Keel none")
            #expect(
                abs(value - theirs) <= 1e-9 * max(1, abs(theirs)),
                "\(output) bar \(index): Keel \(value), TA-Lib \(theirs)")
        }
    }
}

/// A reference CSV: `#` comment lines, a header `time,open,high,low,close,volume,<outputs>`,
/// then one row per bar with an empty cell where the reference has no value.
struct ReferenceTable {
    var bars: [PriceBar]
    var columns: [String: [Double?]]

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ name: String) throws -> ReferenceTable {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference").appendingPathComponent(name)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
            header.prefix(6) == ["time", "open", "high", "low", "close", "volume"]
        else { throw Malformed(description: "\(name): the header must start time,open,high,low,close,volume") }
        var table = ReferenceTable(bars: [], columns: [:])
        var outputs = Array(repeating: [Double?](), count: header.count - 6)
        for (row, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == header.count else { throw Malformed(description: "\(name) row \(row + 1): \(cells.count) cells") }
            func number(_ index: Int) throws -> Double {
                guard let value = Double(cells[index]) else { throw Malformed(description: "\(name) row \(row + 1): '\(cells[index])'") }
                return value
            }
            table.bars.append(PriceBar(
                openTime: Int64(try number(0)), open: try number(1), high: try number(2), low: try number(3),
                close: try number(4), volume: try number(5)))
            for column in outputs.indices {
                outputs[column].append(cells[6 + column].isEmpty ? nil : try number(6 + column))
            }
        }
        for (column, name) in header.dropFirst(6).enumerated() { table.columns[name] = outputs[column] }
        return table
    }
}
