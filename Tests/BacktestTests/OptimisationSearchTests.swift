import Foundation
import Testing

@testable import Backtest

@Suite("Optimisation: grid, random and TPE searches")
struct OptimisationSearchTests {
    /// A smooth bowl with its top (1.0) at x = 70, y = 1.3, z = 0.25, mode = c, over
    /// 101 × 101 × 101 × 4 lattice points; each coordinate's distance is measured in its range.
    static let bowl = try! ParameterSpace([
        .integer("x", 0, 100), .decimal("y", -5, 5, step: 0.1), .decimal("z", 0, 1, step: 0.01),
        .choice("mode", ["a", "b", "c", "d"]),
    ])

    static func bowlScore(_ point: ParameterPoint) throws -> Double {
        let x = (try point.double("x") - 70) / 100
        let y = (try point.double("y") - 1.3) / 10
        let z = try point.double("z") - 0.25
        return 1 - x * x - y * y - z * z - (try point.string("mode") == "c" ? 0 : 0.2)
    }

    static func run(_ search: ParameterSearch, parallelism: Int = 1) async throws -> OptimisationReport {
        let optimiser = try Optimiser(space: bowl, search: search, objective: .totalReturn, parallelism: parallelism, showsProgress: false)
        return try await optimiser.run { point in syntheticMetrics(totalReturn: try bowlScore(point)) }
    }

    @Test func gridEvaluatesEveryValidPointOnce() async throws {
        let counter = CallCounter()
        let optimiser = try Optimiser(space: try movingAverageSpace(), search: .grid, objective: .totalReturn, parallelism: 3, showsProgress: false)
        let report = try await optimiser.run { point in
            _ = await counter.next()
            return syntheticMetrics(totalReturn: Double(try point.int("slow") - point.int("fast")) / 100)
        }
        // fast < slow: 10 + 9 + 9 + 8 + 8 + 7 + 7 + 6 + 6 + 5 points.
        #expect(report.ranking.count == 75)
        #expect(await counter.calls == 75)
        #expect(Set(report.ranking.map(\.point)) == Set(try movingAverageSpace().gridPoints()))
        #expect(report.best?.point.key == "fast=5 slow=100")
    }

    @Test func randomIsDeterministicPerSeedDistinctAndValid() async throws {
        func points(seed: UInt64, count: Int) async throws -> [String] {
            let optimiser = try Optimiser(
                space: try movingAverageSpace(), search: .random(count: count, seed: seed), objective: .totalReturn, parallelism: 1,
                showsProgress: false)
            let order = OrderRecorder()
            _ = try await optimiser.run { point in
                await order.append(point.key)
                return syntheticMetrics(totalReturn: 0)
            }
            return await order.keys
        }
        let first = try await points(seed: 42, count: 20)
        #expect(first.count == 20)
        #expect(Set(first).count == 20)
        #expect(try await points(seed: 42, count: 20) == first)
        #expect(try await points(seed: 43, count: 20) != first)
        // A larger count draws the same points first; one above the valid points gets them all.
        #expect(Array(try await points(seed: 42, count: 30).prefix(20)) == first)
        #expect(Set(try await points(seed: 42, count: 500)) == Set(try movingAverageSpace().gridPoints().map(\.key)))
    }

    @Test func tpeFindsTheTopOfTheBowlBetterThanRandom() async throws {
        let tpe = try await Self.run(.bayesian(count: 80, seed: 7), parallelism: 4)
        let random = try await Self.run(.random(count: 80, seed: 7))
        let tpeBest = try #require(tpe.best?.score)
        let randomBest = try #require(random.best?.score)
        #expect(tpe.ranking.count == 80)
        #expect(Set(tpe.ranking.map(\.point)).count == 80)
        #expect(tpeBest >= randomBest)
        #expect(tpeBest > 0.99)
        let best = try #require(tpe.best?.point)
        #expect(abs(try best.int("x") - 70) <= 8)
        #expect(abs(try best.double("y") - 1.3) <= 0.8)
        #expect(try best.string("mode") == "c")
    }

    @Test func tpeBeatsRandomOverManySeeds() async throws {
        var wins = 0
        var tpeTotal = 0.0
        var randomTotal = 0.0
        for seed in UInt64(1)...10 {
            let tpe = try #require(try await Self.run(.bayesian(count: 80, seed: seed), parallelism: 4).best?.score)
            let random = try #require(try await Self.run(.random(count: 80, seed: seed)).best?.score)
            if tpe >= random { wins += 1 }
            tpeTotal += tpe
            randomTotal += random
        }
        #expect(wins >= 9)
        #expect(tpeTotal / 10 > 0.99)
        #expect(tpeTotal > randomTotal)
    }

    @Test func tpeIsDeterministicForASeedWithParallelEvaluations() async throws {
        let first = try await Self.run(.bayesian(count: 30, seed: 11), parallelism: 3)
        let second = try await Self.run(.bayesian(count: 30, seed: 11), parallelism: 3)
        #expect(first.ranking == second.ranking)
    }

    @Test func invalidSearchesAndParallelismAreRefused() throws {
        let space = try movingAverageSpace()
        #expect(throws: OptimiserError.invalidParallelism(0)) {
            try Optimiser(space: space, search: .grid, objective: .sharpe, parallelism: 0)
        }
        #expect(throws: OptimiserError.invalidSearch("the count 0 is below 1")) {
            try Optimiser(space: space, search: .random(count: 0, seed: 1), objective: .sharpe)
        }
        #expect(throws: OptimiserError.invalidSearch("gamma 1.5 is not between 0 and 1")) {
            try Optimiser(space: space, search: .bayesian(count: 10, seed: 1, settings: TPESettings(gamma: 1.5)), objective: .sharpe)
        }
    }
}

/// The keys of the points evaluated, in the order their evaluations started.
actor OrderRecorder {
    private(set) var keys: [String] = []

    func append(_ key: String) { keys.append(key) }
}
