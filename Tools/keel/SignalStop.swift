import Bus
import Dispatch
import Foundation

/// Stops a consumer gracefully on SIGINT or SIGTERM, so what was handled gets committed.
final class SignalStop {
    private let sources: [any DispatchSourceSignal]

    init(consumer: KafkaConsumer) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { consumer.stop() }
            source.resume()
            return source
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}
