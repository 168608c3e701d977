import Core
import ExchangeSimulator

/// Where a run's bars come from.
public enum MarketSource: Sendable, Hashable {
    /// An OHLCV CSV (CryptoDataDownload's layout or plain), traded as `symbol`.
    case csv(symbol: Symbol, path: String)
    /// `SyntheticSeries`' deterministic market of `symbols` symbols and `bars` bars each.
    case synthetic(symbols: Int, bars: Int, seed: UInt64, correlation: Double, start: Timestamp)
    /// Bars already read and checked elsewhere, e.g. `StoredBars` from PostgreSQL.
    case bars(ValidatedBars, source: String)

    /// Parses `SYMBOL=PATH` (or a bare PATH, traded as `BTCUSDT`).
    public static func csv(_ text: String) throws -> MarketSource {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let (symbol, path) = parts.count == 2 ? (parts[0], parts[1]) : ("BTCUSDT", parts[0])
        guard !path.isEmpty else { throw BacktestConfigurationError(field: "csv", reason: "\(text) names no file") }
        do {
            return .csv(symbol: try Symbol(symbol), path: path)
        } catch {
            throw BacktestConfigurationError(field: "csv", reason: "\(symbol) is not a symbol: \(error)")
        }
    }
}

/// A run's market with what was found in its data on the way.
public struct LoadedMarket: Sendable {
    public let market: BacktestMarket
    /// Every issue found and repaired (unrepaired issues refuse the data instead).
    public let issues: [BarIssue]

    /// Loads `sources` on `timeframe`, keeping bars opening in `from ..< to` (either open).
    /// Throws `BarDataError` for data it refuses (with every issue, its file and line),
    /// `OHLCVFileError` for an unusable file, `BacktestConfigurationError` for an empty window.
    public static func load(
        _ sources: [MarketSource], timeframe: Timeframe, repairs: BarRepairs, from: Timestamp? = nil, to: Timestamp? = nil,
        parallelism: Int
    ) throws -> LoadedMarket {
        var series: [BarSeries] = []
        var issues: [BarIssue] = []
        for source in sources {
            switch source {
            case .csv(let symbol, let path):
                let bars = try CSVBars.load(path: path, symbol: symbol, timeframe: timeframe, repairs: repairs)
                issues += bars.issues
                series.append(try windowed(bars.candles, from: from, to: to, source: path))
            case .bars(let bars, let source):
                issues += bars.issues
                series.append(try windowed(bars.candles, from: from, to: to, source: source))
            case .synthetic(let symbols, let bars, let seed, let correlation, let start):
                guard symbols > 0 else { throw BacktestConfigurationError(field: "synthetic", reason: "needs at least one symbol") }
                series += try SyntheticSeries.generate(
                    instruments: try SyntheticSeries.instruments(count: symbols), timeframe: timeframe, start: start, bars: bars,
                    seed: seed, correlation: correlation, parallelism: parallelism)
            }
        }
        return LoadedMarket(market: try BacktestMarket(series), issues: issues)
    }

    /// One symbol's bars opening in `from ..< to`, on the instrument `DataInstrument` derives.
    private static func windowed(_ candles: [Candle], from: Timestamp?, to: Timestamp?, source: String) throws -> BarSeries {
        let kept = candles.filter { candle in
            from.map { candle.openTime >= $0 } ?? true && to.map { candle.openTime < $0 } ?? true
        }
        guard let symbol = kept.first?.symbol else {
            throw BacktestConfigurationError(field: "window", reason: "\(source) has no bars in the window asked for")
        }
        return try BarSeries(instrument: try DataInstrument.derive(symbol: symbol, candles: kept), candles: kept)
    }
}
