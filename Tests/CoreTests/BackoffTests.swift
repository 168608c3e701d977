import Core
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("doubles per failure up to the cap, with the jitter in the upper half")
    func doublesWithJitterUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(3))
        #expect(backoff.delay(afterFailures: 1, random: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 1, random: 0) == .milliseconds(50))
        #expect(backoff.delay(afterFailures: 2, random: 1) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4, random: 1) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 6, random: 1) == .seconds(3))
        #expect(backoff.delay(afterFailures: 1000, random: 1) == .seconds(3))
        for failures in 1...10 {
            let delay = backoff.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(50) && delay <= .seconds(3))
        }
    }
}
