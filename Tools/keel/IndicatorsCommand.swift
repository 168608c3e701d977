import ArgumentParser
import ExchangeSimulator
import Foundation
import Indicators

/// `keel indicators`: every indicator over an OHLCV file, one CSV column per output.
struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Computes every indicator over an OHLCV CSV and writes one column per output.",
        discussion: """
            The input is a plain timestamp,open,high,low,close,volume CSV or CryptoDataDownload's layout \
            (as `keel sim --replay` reads). The output repeats time (ms), open, high, low, close and \
            volume, then one column per output, empty while an indicator warms up. Columns: \
            \(IndicatorCatalog.all.flatMap(\.columns).joined(separator: ", ")).
            """)

    @Option(help: "The OHLCV CSV to read.") var csv: String
    @Option(help: "The CSV to write.") var out: String
    @Option(help: "Only these output columns, comma-separated (default: all).") var columns: String?

    func validate() throws {
        _ = try selectedColumns()
    }

    func run() throws {
        let file: OHLCVFile
        do {
            file = try OHLCVFile.load(path: csv)
        } catch {
            throw ValidationError("\(csv): \(error)")
        }
        let bars = file.bars.map {
            PriceBar(
                openTime: $0.openTime.milliseconds, open: $0.open.doubleValue, high: $0.high.doubleValue,
                low: $0.low.doubleValue, close: $0.close.doubleValue, volume: $0.volume.doubleValue)
        }
        let wanted = try selectedColumns()
        var names: [String] = []
        var outputs: [[Double]] = []
        let series = BarSeries(bars)
        for entry in IndicatorCatalog.all where !Set(entry.columns).isDisjoint(with: wanted) {
            for (name, values) in zip(entry.columns, entry.batch(series)) where wanted.contains(name) {
                names.append(name)
                outputs.append(values)
            }
        }
        var text = "time,open,high,low,close,volume," + names.joined(separator: ",") + "\n"
        for (index, bar) in bars.enumerated() {
            let row = file.bars[index]
            text += "\(bar.openTime),\(row.open),\(row.high),\(row.low),\(row.close),\(row.volume)"
            for column in outputs { text += "," + (column[index].isNaN ? "" : "\(column[index])") }
            text += "\n"
        }
        do {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(bars.count) bars × \(names.count) columns to \(out)")
    }

    /// The requested columns, each checked against the catalogue.
    private func selectedColumns() throws -> Set<String> {
        let known = IndicatorCatalog.all.flatMap(\.columns)
        guard let columns else { return Set(known) }
        let requested = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = requested.filter { !known.contains($0) }
        guard unknown.isEmpty, !requested.isEmpty else {
            throw ValidationError("unknown column(s) \(unknown.joined(separator: ", ")); known: \(known.joined(separator: ", "))")
        }
        return Set(requested)
    }
}
