import Dispatch

/// Runs blocking librdkafka calls on a thread of their own, never on Swift's cooperative
/// pool (two threads on a small machine: one blocked poll would halve the whole process).
struct BlockingQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
