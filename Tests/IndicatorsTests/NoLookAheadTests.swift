import Indicators
import Testing

/// No indicator reads the future: bar by bar gives what the batch gives, and changing a bar
/// changes nothing before it. Both ways of computing agree bit for bit.
@Suite("No look-ahead")
struct NoLookAheadTests {
    static let series = bars(closes: randomWalk(count: 240, start: 500), range: 2.5).enumerated().map { index, bar in
        PriceBar(
            openTime: Int64(index) * 3_600_000, open: bar.open, high: bar.high, low: bar.low, close: bar.close,
            volume: Double(index % 7 + 1))
    }

    @Test("bar by bar equals the batch, for every output", arguments: IndicatorCatalog.all.map(\.name))
    func incrementalEqualsBatch(name: String) {
        let entry = IndicatorCatalog.all.first { $0.name == name }!
        let batch = entry.batch(BarSeries(Self.series))
        let incremental = entry.incremental(Self.series)
        for column in batch.indices {
            #expect(batch[column].count == Self.series.count)
            for (index, value) in incremental[column].enumerated() {
                let batchValue = batch[column][index]
                #expect(
                    value.map { $0.bitPattern == batchValue.bitPattern } ?? batchValue.isNaN,
                    "\(entry.columns[column]) at bar \(index): bar by bar \(String(describing: value)), batch \(batchValue)")
            }
        }
    }

    @Test("the batch over a prefix ends with the batch's value there", arguments: IndicatorCatalog.all.map(\.name))
    func batchPrefixes(name: String) {
        let entry = IndicatorCatalog.all.first { $0.name == name }!
        let batch = entry.batch(BarSeries(Self.series))
        for end in stride(from: 1, through: Self.series.count, by: 7) {
            let prefix = entry.batch(BarSeries(Array(Self.series.prefix(end))))
            for column in batch.indices {
                #expect(prefix[column].last!.bitPattern == batch[column][end - 1].bitPattern, "\(entry.columns[column]) at bar \(end - 1)")
            }
        }
    }

    @Test("changing a bar never changes an earlier output", arguments: IndicatorCatalog.all.map(\.name))
    func futureBarsDoNotLeak(name: String) {
        let entry = IndicatorCatalog.all.first { $0.name == name }!
        let original = entry.batch(BarSeries(Self.series)).map { $0.map(\.bitPattern) }
        for changed in [60, 130, 200] {
            var altered = Self.series
            let bar = altered[changed]
            altered[changed] = PriceBar(
                openTime: bar.openTime, open: bar.open * 1.3, high: bar.high * 1.5, low: bar.low * 0.6, close: bar.close * 1.4,
                volume: bar.volume * 9)
            let outputs = entry.batch(BarSeries(altered)).map { $0.map(\.bitPattern) }
            for column in original.indices {
                #expect(Array(outputs[column][..<changed]) == Array(original[column][..<changed]), "\(entry.columns[column]) before bar \(changed)")
            }
        }
    }
}
