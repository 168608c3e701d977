import ArgumentParser
import Bus
import Foundation
import Synchronization

/// Writes consumed messages as JSON lines to standard output or to a file that is fsynced
/// after every line, so a line on disk means the message was handled.
final class MessageSink: Sendable {
    private let descriptor: Int32
    private let syncEachLine: Bool
    private let lock = Mutex(())

    init(path: String?) throws {
        if let path {
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard descriptor >= 0 else { throw ValidationError("cannot open \(path) for writing") }
            syncEachLine = true
        } else {
            descriptor = STDOUT_FILENO
            syncEachLine = false
        }
    }

    func write(_ message: ConsumedMessage) throws {
        var object: [String: Any] = [
            "topic": message.topic, "partition": message.partition, "offset": message.offset,
            "value_base64": Data(message.value).base64EncodedString(),
            "headers": Dictionary(message.headers.map { ($0.name, $0.text) }) { _, last in last },
        ]
        if let key = message.keyText { object["key"] = key }
        if let text = String(validating: message.value, as: UTF8.self) { object["value"] = text }
        let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + Data("\n".utf8)
        try lock.withLock { _ in
            let written = line.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else { throw ValidationError("short write") }
            if syncEachLine { fsync(descriptor) }
        }
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)

    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
