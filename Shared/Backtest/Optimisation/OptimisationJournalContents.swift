import Foundation

/// What a journal file holds: its evaluations, and how much of it is sound (a last line cut
/// off while being written is not).
struct OptimisationJournalContents {
    private(set) var evaluations: [OptimisationEvaluation] = []
    private(set) var warnings: [String] = []
    /// The bytes to keep: everything up to the end of the last sound line; 0 for a file
    /// without a whole header line (it gets the header written afresh).
    private(set) var validLength = 0

    /// Throws `OptimisationJournalError` when the first line is not a header, is another
    /// run's, or a line other than the last is not an evaluation. `headerLine` is `header`
    /// as written: a file holding only the start of it is a header cut off mid-write, any
    /// other file without a whole line is not a journal (and is left alone).
    init(_ contents: Data, path: String, header: OptimisationJournalHeader, headerLine: Data) throws {
        var lines = contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // After the last newline: empty for a whole file, else a line cut off mid-write.
        let tail = lines.removeLast()
        if !tail.isEmpty { warnings.append(Self.cutOff(path, line: lines.count + 1)) }
        guard let first = lines.first else {
            guard headerLine.starts(with: tail) else { throw OptimisationJournalError.notAJournal(path: path) }
            return
        }
        guard let found = try? JSONDecoder().decode(OptimisationJournalHeader.self, from: first) else {
            throw OptimisationJournalError.notAJournal(path: path)
        }
        let differences = header.differences(from: found)
        guard differences.isEmpty else { throw OptimisationJournalError.headerMismatch(path: path, differences: differences) }
        validLength = first.count + 1
        var seen: Set<ParameterPoint> = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let evaluation: OptimisationEvaluation
            do {
                evaluation = try JSONDecoder().decode(OptimisationEvaluation.self, from: line)
            } catch where offset == lines.count - 1 && tail.isEmpty {
                warnings.append(Self.cutOff(path, line: offset + 1))
                return
            } catch {
                throw OptimisationJournalError.damaged(path: path, line: offset + 1, reason: "not an evaluation: \(error)")
            }
            validLength += line.count + 1
            if seen.insert(evaluation.point).inserted { evaluations.append(evaluation) }
        }
    }

    private static func cutOff(_ path: String, line: Int) -> String {
        "journal \(path): line \(line) is incomplete (cut off when a run was stopped); it is ignored and its point evaluated again"
    }
}
