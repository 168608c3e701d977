import Core
import ExchangeSimulator
import Foundation

/// A density over one dimension's lattice indices, fitted to the indices of some evaluated
/// points: TPE's model of where the good (or the bad) points lie along that dimension.
/// Integer and decimal dimensions mix Gaussian kernels over the normalised position
/// `index / (count − 1)`; choices use smoothed frequencies. Both keep a share for the whole
/// dimension, so no value's density is ever zero.
enum ParzenEstimator {
    case numeric(NumericParzen)
    case categorical(CategoricalParzen)

    init(_ dimension: ParameterDimension, observed: [Int]) {
        if case .choice = dimension.kind {
            self = .categorical(CategoricalParzen(count: dimension.count, observed: observed))
        } else {
            self = .numeric(NumericParzen(count: dimension.count, observed: observed))
        }
    }

    func logDensity(_ index: Int) -> Double {
        switch self {
        case .numeric(let model): return log(model.density(index))
        case .categorical(let model): return log(model.probability(index))
        }
    }

    func sample(using generator: inout SplitMix64) -> Int {
        switch self {
        case .numeric(let model): return model.sample(using: &generator)
        case .categorical(let model): return model.sample(using: &generator)
        }
    }
}

/// Gaussian kernels, truncated to [0, 1], one on each observed position, plus a uniform prior
/// with the weight of one kernel. The bandwidth follows Scott's rule, kept between a lattice
/// step's half (or `1 / (n + 1)` for few points, so few points don't collapse onto
/// themselves) and the whole range.
struct NumericParzen {
    /// `count − 1`: positions are `index / steps`. 0 for a single value.
    let steps: Int
    let centres: [Double]
    let bandwidth: Double
    /// Each kernel's mass inside [0, 1], to renormalise the truncated kernels.
    let masses: [Double]

    init(count: Int, observed: [Int]) {
        steps = count - 1
        let scale = Double(max(steps, 1))
        let centres = observed.map { Double($0) / scale }
        let n = Double(centres.count)
        let mean = centres.reduce(0, +) / max(n, 1)
        let deviation = (centres.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n, 1)).squareRoot()
        let floor = max(0.5 / scale, 1 / min(100, n + 1))
        let bandwidth = min(max(1.06 * deviation * pow(max(n, 1), -0.2), floor), 1)
        self.centres = centres
        self.bandwidth = bandwidth
        masses = centres.map { Self.normalCDF((1 - $0) / bandwidth) - Self.normalCDF(-$0 / bandwidth) }
    }

    /// The mixture's density at the lattice value `index` (the uniform prior's is 1).
    func density(_ index: Int) -> Double {
        guard steps > 0 else { return 1 }
        let x = Double(index) / Double(steps)
        let kernels = zip(centres, masses).reduce(0.0) { sum, kernel in
            let z = (x - kernel.0) / bandwidth
            return sum + exp(-z * z / 2) / ((2 * Double.pi).squareRoot() * bandwidth * kernel.1)
        }
        return (1 + kernels) / Double(centres.count + 1)
    }

    /// A lattice index drawn from the mixture: a component at random, then the kernel's
    /// truncated Gaussian (redrawn while outside [0, 1]) rounded to the nearest lattice value.
    func sample(using generator: inout SplitMix64) -> Int {
        guard steps > 0 else { return 0 }
        let component = generator.latticeIndex(below: centres.count + 1)
        guard component < centres.count else { return generator.latticeIndex(below: steps + 1) }
        var x = centres[component] + bandwidth * generator.gaussian()
        for _ in 0..<16 where !(0...1).contains(x) {
            x = centres[component] + bandwidth * generator.gaussian()
        }
        return Int((min(max(x, 0), 1) * Double(steps)).rounded())
    }

    private static func normalCDF(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }
}

/// Frequencies of the observed choices, each count plus one (Laplace smoothing).
struct CategoricalParzen {
    let weights: [Double]
    let total: Double

    init(count: Int, observed: [Int]) {
        var weights = [Double](repeating: 1, count: count)
        for index in observed { weights[index] += 1 }
        self.weights = weights
        total = weights.reduce(0, +)
    }

    func probability(_ index: Int) -> Double { weights[index] / total }

    func sample(using generator: inout SplitMix64) -> Int {
        var remaining = generator.unit() * total
        for (index, weight) in weights.enumerated() {
            remaining -= weight
            if remaining < 0 { return index }
        }
        return weights.count - 1
    }
}
