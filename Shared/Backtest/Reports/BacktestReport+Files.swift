import Foundation

extension BacktestReport {
    /// The files `write(to:)` writes, by name.
    public static let fileNames = (html: "report.html", trades: "trades.csv", equity: "equity.csv", json: "result.json")

    /// Writes `report.html`, `trades.csv`, `equity.csv` and `result.json` into `directory`,
    /// creating it (and its parents) when missing and replacing files of those names. Throws
    /// `ReportWriteError` naming the directory or file that could not be written.
    public func write(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError.directory(path: directory.path, reason: "\(error.localizedDescription)")
        }
        let files = [
            (Self.fileNames.html, html()), (Self.fileNames.trades, tradesCSV()), (Self.fileNames.equity, equityCSV()),
            (Self.fileNames.json, json()),
        ]
        for (name, text) in files {
            let file = directory.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: file, options: .atomic)
            } catch {
                throw ReportWriteError.file(path: file.path, reason: "\(error.localizedDescription)")
            }
        }
    }
}

/// A report file that could not be written.
public enum ReportWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    case directory(path: String, reason: String)
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case .directory(let path, let reason): "cannot create the report directory \(path): \(reason)"
        case .file(let path, let reason): "cannot write the report file \(path): \(reason)"
        }
    }
}
