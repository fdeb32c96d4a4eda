import CPUEngine
import Engine
import XCTest

/// One optimizer step against numbers worked out by hand (and the reference on larger random tensors).
final class CPUEngineOptimizerTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)

    /// p = [1, −2], grad = [0.5, 0.25], v = [0.1, 0], lr 0.1, μ 0.9, wd 0.01:
    /// g = [0.51, 0.23]; v = [0.09 + 0.51, 0.23] = [0.6, 0.23];
    /// plain: p = [1 − 0.06, −2 − 0.023]; Nesterov: p −= 0.1·(g + 0.9·v) = [0.1·1.05, 0.1·0.437].
    func testSGDStepByHand() throws {
        for (nesterov, expected) in [(false, [Float(0.94), -2.023]), (true, [0.895, -2.0437])] {
            let (p, v) = (try engine.tensor([1, -2], Shape(2)), try engine.tensor([0.1, 0], Shape(2)))
            try engine.sgdStep(parameter: p, gradient: try engine.tensor([0.5, 0.25], Shape(2)), velocity: v,
                               learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: nesterov)
            assertClose(try engine.download(p), expected, tolerance: 1e-6, "p nesterov=\(nesterov)")
            assertClose(try engine.download(v), [0.6, 0.23], tolerance: 1e-6, "v nesterov=\(nesterov)")
        }
    }

    /// p = 1, grad = 0.5, m = v = 0, step 1, lr 0.1, β = (0.9, 0.999), ε = 1e-8, wd 0.1:
    /// Adam: g = 0.6, m = 0.06, v = 0.00036, m̂ = 0.6, v̂ = 0.36, p = 1 − 0.1·0.6/0.6 = 0.9 (up to ε);
    /// AdamW: p = 1 − 0.01 = 0.99, g = 0.5, m = 0.05, v = 0.00025, m̂/√v̂ = 1, p = 0.89.
    func testAdamAndAdamWFirstStepByHand() throws {
        for (decoupled, expected) in [(false, (p: Float(0.9), m: Float(0.06), v: Float(0.00036))),
                                      (true, (p: 0.89, m: 0.05, v: 0.00025))] {
            let p = try engine.tensor([1], Shape(1))
            let (m, v) = (try engine.tensor([0], Shape(1)), try engine.tensor([0], Shape(1)))
            try engine.adamStep(parameter: p, gradient: try engine.tensor([0.5], Shape(1)), firstMoment: m,
                                secondMoment: v, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                weightDecay: 0.1, decoupledWeightDecay: decoupled, step: 1)
            XCTAssertEqual(try engine.download(p)[0], expected.p, accuracy: 1e-6, "decoupled=\(decoupled)")
            XCTAssertEqual(try engine.download(m)[0], expected.m, accuracy: 1e-7)
            XCTAssertEqual(try engine.download(v)[0], expected.v, accuracy: 1e-8)
        }
    }

    /// Step 3 with non-zero moments on a tensor split across threads, within 1e-5 relative of the reference.
    func testAdamLaterStepMatchesNaive() throws {
        var random = TestRandom(seed: 60)
        let count = 50_001
        let (parameter, gradient) = (random.floats(count), random.floats(count))
        let (first, second) = (random.floats(count, in: -0.1...0.1), random.floats(count, in: 0...0.01))
        for decoupled in [false, true] {
            let p = try engine.tensor(parameter, Shape(count))
            let (m, v) = (try engine.tensor(first, Shape(count)), try engine.tensor(second, Shape(count)))
            try engine.adamStep(parameter: p, gradient: try engine.tensor(gradient, Shape(count)), firstMoment: m,
                                secondMoment: v, learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-6,
                                weightDecay: 0.05, decoupledWeightDecay: decoupled, step: 3)
            let expected = NaiveReference.adamStep(
                parameter: parameter, gradient: gradient, firstMoment: first, secondMoment: second,
                learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05,
                decoupledWeightDecay: decoupled, step: 3)
            assertClose(try engine.download(p), expected.parameter, tolerance: 1e-5, "p decoupled=\(decoupled)")
            assertClose(try engine.download(m), expected.firstMoment, tolerance: 1e-5, "m")
            assertClose(try engine.download(v), expected.secondMoment, tolerance: 1e-5, "v")
        }
    }

    func testSGDMatchesNaiveAcrossThreads() throws {
        var random = TestRandom(seed: 61)
        let count = 50_001
        let (parameter, gradient, velocity) = (random.floats(count), random.floats(count), random.floats(count))
        let (p, v) = (try engine.tensor(parameter, Shape(count)), try engine.tensor(velocity, Shape(count)))
        try engine.sgdStep(parameter: p, gradient: try engine.tensor(gradient, Shape(count)), velocity: v,
                           learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, nesterov: true)
        let expected = NaiveReference.sgdStep(parameter: parameter, gradient: gradient, velocity: velocity,
                                              learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, nesterov: true)
        assertClose(try engine.download(p), expected.parameter, tolerance: 1e-6)
        assertClose(try engine.download(v), expected.velocity, tolerance: 1e-6)
    }
}
