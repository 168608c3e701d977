import Foundation
import Testing

@testable import Backtest

@Suite("Optimisation: parameter spaces, points and specs")
struct OptimisationSpaceTests {
    @Test func gridEnumeratesEveryValidPointFirstDimensionSlowest() throws {
        let space = try ParameterSpace(
            [.integer("fast", 1, 3), .integer("slow", 2, 4), .choice("mode", ["a", "b"])],
            constraint: { (try? $0.int("fast") < $0.int("slow")) ?? false })
        let keys = try space.gridPoints().map(\.key)
        #expect(keys == [
            "fast=1 slow=2 mode=a", "fast=1 slow=2 mode=b", "fast=1 slow=3 mode=a", "fast=1 slow=3 mode=b",
            "fast=1 slow=4 mode=a", "fast=1 slow=4 mode=b", "fast=2 slow=3 mode=a", "fast=2 slow=3 mode=b",
            "fast=2 slow=4 mode=a", "fast=2 slow=4 mode=b", "fast=3 slow=4 mode=a", "fast=3 slow=4 mode=b",
        ])
    }

    @Test func decimalLatticeValuesAreClean() throws {
        let space = try ParameterSpace([.decimal("x", 0.1, 0.3, step: 0.1), .decimal("atr", 1.5, 3.0, step: 0.5)])
        let points = try space.gridPoints()
        #expect(points.count == 12)
        #expect(Set(points.map { try! $0.double("x") }) == [0.1, 0.2, 0.3])
        #expect(Set(points.map { try! $0.double("atr") }) == [1.5, 2.0, 2.5, 3.0])
    }

    @Test func aConstraintRejectingEveryPointIsNoValidPoint() async throws {
        let space = try ParameterSpace([.integer("fast", 10, 20), .integer("slow", 1, 5)], constraint: { (try? $0.int("fast") < $0.int("slow")) ?? false })
        #expect(throws: ParameterSpaceError.noValidPoint) { try space.gridPoints() }
        for search in [ParameterSearch.random(count: 5, seed: 1), .bayesian(count: 5, seed: 1)] {
            let optimiser = try Optimiser(space: space, search: search, objective: .sharpe, showsProgress: false)
            await #expect(throws: ParameterSpaceError.noValidPoint) { try await optimiser.run { _ in syntheticMetrics(totalReturn: 0) } }
        }
    }

    @Test func specsParseIntoDimensionsAndBack() throws {
        let fast = try ParameterDimension(spec: "fast=5:50:5")
        #expect(fast.kind == .integer(lower: 5, upper: 50, step: 5))
        #expect(fast.count == 10)
        let atr = try ParameterDimension(spec: "atr=1.5:3.0:0.5")
        #expect(atr.kind == .decimal(lower: 1.5, upper: 3.0, step: 0.5))
        #expect(atr.count == 4)
        let mode = try ParameterDimension(spec: "mode=a,b,c")
        #expect(mode.kind == .choice(["a", "b", "c"]))
        for dimension in [fast, atr, mode] {
            #expect(try ParameterDimension(spec: dimension.spec) == dimension)
        }
        #expect(atr.spec == "atr=1.5:3.0:0.5")
        let space = try ParameterSpace(specs: ["fast=5:50:5", "atr=1.5:3.0:0.5", "mode=a,b,c"])
        #expect(space.dimensions == [fast, atr, mode])
        #expect(space.spec == "fast=5:50:5 atr=1.5:3.0:0.5 mode=a,b,c")
    }

    @Test func badSpecsAndRangesAreNamedErrors() throws {
        let cases: [(String, ParameterSpaceError)] = [
            ("fast", .badSpec("fast", reason: "no '='")),
            ("fast=", .badSpec("fast=", reason: "nothing after '='")),
            ("fast=1:2", .badSpec("fast=1:2", reason: "a range needs exactly lower:upper:step, found 2 part(s)")),
            ("fast=a:b:c", .badSpec("fast=a:b:c", reason: "'a:b:c' is not three numbers")),
            ("=1:2:1", .emptyName),
            ("fast=50:5:5", .invertedBounds(dimension: "fast", lower: "50", upper: "5")),
            ("fast=5:50:0", .nonPositiveStep(dimension: "fast", step: "0")),
            ("atr=1.5:3.0:-0.5", .nonPositiveStep(dimension: "atr", step: "-0.5")),
            ("atr=1:nan:1", .notFinite(dimension: "atr")),
            ("mode=a,,b", .invalidChoice(dimension: "mode", choice: "", reason: "is empty")),
            ("mode=a,b,a", .invalidChoice(dimension: "mode", choice: "a", reason: "is listed twice")),
            ("fast=0:10000000:1", .tooManyValues(dimension: "fast", limit: ParameterDimension.valueLimit)),
        ]
        for (spec, expected) in cases {
            #expect(throws: expected) { try ParameterDimension(spec: spec) }
        }
        #expect(ParameterSpaceError.invertedBounds(dimension: "fast", lower: "50", upper: "5").description
            == "parameter 'fast': lower bound 50 is above upper bound 5")
        #expect(throws: ParameterSpaceError.emptyChoices(dimension: "mode")) { try ParameterDimension.choice("mode", []) }
    }

    @Test func spacesRefuseDuplicateNamesAndNoDimensions() throws {
        #expect(throws: ParameterSpaceError.duplicateName("fast")) {
            try ParameterSpace([.integer("fast", 1, 2), .decimal("fast", 1, 2, step: 1)])
        }
        #expect(throws: ParameterSpaceError.noDimensions) { try ParameterSpace([]) }
        #expect(throws: ParameterSpaceError.invalidName("fast ma")) { try ParameterDimension.integer("fast ma", 1, 2) }
    }

    @Test func pointsHaveKeysAccessorsAndRoundTripThroughJSON() throws {
        let point = ParameterPoint([
            .init(name: "fast", value: .integer(5)), .init(name: "atr", value: .decimal(2.0)), .init(name: "mode", value: .choice("a")),
        ])
        #expect(point.key == "fast=5 atr=2.0 mode=a")
        #expect(try point.int("fast") == 5)
        #expect(try point.double("fast") == 5)
        #expect(try point.double("atr") == 2)
        #expect(try point.string("mode") == "a")
        #expect(throws: ParameterPointError.wrongKind("atr", expected: "an integer", found: .decimal(2))) { try point.int("atr") }
        #expect(throws: ParameterPointError.missing("slow", point: point.key)) { try point.int("slow") }
        let decoded = try JSONDecoder().decode(ParameterPoint.self, from: JSONEncoder().encode(point))
        #expect(decoded == point)
    }
}
