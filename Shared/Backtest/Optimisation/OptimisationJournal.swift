import Foundation

/// A JSON Lines file of an optimisation run: a `OptimisationJournalHeader` line, then one
/// `OptimisationEvaluation` per finished point. Each line is written with one write and
/// synced to disk, so stopping the process loses at most the evaluations in flight; a last
/// line cut off mid-write is dropped (with a warning) when the journal is opened again.
final class OptimisationJournal {
    let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    deinit { try? handle.close() }

    /// Opens the journal at `path`, creating it with `header` when missing or empty, and reads
    /// its evaluations (the first of a point repeated). Throws `OptimisationJournalError` when
    /// the file is not a journal, belongs to another run, or is damaged before its last line.
    static func open(path: String, header: OptimisationJournalHeader) throws -> (journal: OptimisationJournal, loaded: [OptimisationEvaluation], warnings: [String]) {
        try io(path) {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else { throw OptimisationJournalError.io(path: path, reason: "cannot create the file") }
            }
        }
        let contents = try io(path) { try Data(contentsOf: URL(fileURLWithPath: path)) }
        let handle = try io(path) { try FileHandle(forUpdating: URL(fileURLWithPath: path)) }
        let journal = OptimisationJournal(path: path, handle: handle)
        let headerLine = try journal.line(header)
        let read = try OptimisationJournalContents(contents, path: path, header: header, headerLine: headerLine)
        try io(path) {
            if read.validLength < contents.count { try handle.truncate(atOffset: UInt64(read.validLength)) }
            try handle.seekToEnd()
        }
        if read.validLength == 0 { try journal.write(headerLine) }
        return (journal, read.evaluations, read.warnings)
    }

    func append(_ evaluation: OptimisationEvaluation) throws { try write(line(evaluation)) }

    /// `value` as one line of JSON, newline included.
    private func line(_ value: some Encodable) throws -> Data {
        var line = try encoder.encode(value)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    private func write(_ line: Data) throws {
        try Self.io(path) {
            try handle.write(contentsOf: line)
            try handle.synchronize()
        }
    }

    /// Runs a file operation, reporting its errors as `OptimisationJournalError.io`.
    private static func io<T>(_ path: String, _ operation: () throws -> T) throws -> T {
        do {
            return try operation()
        } catch let error as OptimisationJournalError {
            throw error
        } catch {
            throw OptimisationJournalError.io(path: path, reason: String(describing: error))
        }
    }
}
