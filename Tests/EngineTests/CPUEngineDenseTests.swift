import CPUEngine
import Engine
import XCTest

/// A dense layer's backward products at batches of at most 64, which the CPU engine computes in one sweep over the
/// weights: against the naive products, with 16, 32, 48 and 64 lanes, tail columns (input counts that are not a
/// multiple of 16, column blocks of 256, 128 and 64 split over workers, an odd count of 16-column vectors),
/// weight-row counts that are not a multiple of four, rows that are and are not 64-byte aligned (streamed and plain
/// stores), without an input gradient, and on 1–3 threads. Both outputs start as NaN.
final class CPUEngineDenseTests: XCTestCase {
    func testSmallBatchBackwardMatchesNaive() throws {
        var random = TestRandom(seed: 60)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads)
            for (batch, inputs, units, withInput) in [(1, 256, 16, true), (5, 1030, 19, true), (16, 2048, 64, true),
                                                      (7, 1296, 21, true), (3, 300, 17, false), (17, 1030, 23, true),
                                                      (33, 600, 18, true), (64, 1296, 37, true), (48, 300, 16, false),
                                                      (30, 520, 16, false), (50, 300, 19, false), (57, 700, 22, true)] {
                let gradOutput = random.floats(batch * units)
                let input = random.floats(batch * inputs)
                let weight = random.floats(units * inputs)
                let gradWeight = try engine.poisoned(Shape(units, inputs))
                let gradInput = withInput ? try engine.poisoned(Shape(batch, inputs)) : nil
                try engine.denseBackward(try engine.tensor(gradOutput, Shape(batch, units)),
                                         input: try engine.tensor(input, Shape(batch, inputs)),
                                         weight: try engine.tensor(weight, Shape(units, inputs)), batch: batch,
                                         inputs: inputs, units: units, gradWeight: gradWeight, gradInput: gradInput)
                let what = "batch \(batch), \(inputs) inputs, \(units) units, \(threads) threads"
                // dW = dZᵀ·X, dX = dZ·W
                let expectedWeight = NaiveReference.gemm(
                    transposeA: true, transposeB: false, m: units, n: inputs, k: batch, alpha: 1, a: gradOutput,
                    aOffset: 0, lda: units, b: input, bOffset: 0, ldb: inputs, beta: 0,
                    c: [Float](repeating: 0, count: units * inputs), cOffset: 0, ldc: inputs)
                assertClose(try engine.download(gradWeight), expectedWeight, tolerance: 1e-5, "dW, \(what)")
                guard let gradInput else { continue }
                let expectedInput = NaiveReference.gemm(
                    transposeA: false, transposeB: false, m: batch, n: inputs, k: units, alpha: 1, a: gradOutput,
                    aOffset: 0, lda: units, b: weight, bOffset: 0, ldb: inputs, beta: 0,
                    c: [Float](repeating: 0, count: batch * inputs), cOffset: 0, ldc: inputs)
                assertClose(try engine.download(gradInput), expectedInput, tolerance: 1e-5, "dX, \(what)")
            }
        }
    }

    /// The SGD step fused into the one-sweep backward against `denseBackward` then `sgdStep`, bit for bit: the
    /// weights, velocities and input gradient, with and without Nesterov momentum, weight decay and an input
    /// gradient, on 1–3 threads; the last two shapes take the two `gemm`s and the separate step. The one sweep
    /// (not under `DLTRAIN_BLAS_THREADS=openblas`) never stores the weight gradient: it stays poisoned.
    func testSGDStepInTheBackwardSweepMatchesTheSeparateStepExactly() throws {
        var random = TestRandom(seed: 61)
        let openBLASThreads = ProcessInfo.processInfo.environment["DLTRAIN_BLAS_THREADS"] == "openblas"
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads)
            for (batch, inputs, units, withInput, nesterov) in [
                (1, 256, 16, true, false), (5, 1030, 19, true, true), (16, 2048, 64, false, false),
                (33, 600, 18, true, false), (64, 1296, 37, true, true), (57, 700, 22, false, true),
                (65, 300, 16, true, false), (8, 200, 16, true, true),
            ] {
                let (weightDecay, momentum): (Float, Float) = nesterov ? (0, 0.5) : (5e-4, 0.9)
                let gradOutput = try engine.tensor(random.floats(batch * units), Shape(batch, units))
                let input = try engine.tensor(random.floats(batch * inputs), Shape(batch, inputs))
                let (weights, velocities) = (random.floats(units * inputs), random.floats(units * inputs))
                var results: [[[Float]]] = []
                for fused in [false, true] {
                    let weight = try engine.tensor(weights, Shape(units, inputs))
                    let velocity = try engine.tensor(velocities, Shape(units, inputs))
                    let gradWeight = try engine.poisoned(Shape(units, inputs))
                    let gradInput = withInput ? try engine.poisoned(Shape(batch, inputs)) : nil
                    if fused {
                        let step = SGDStep(velocity: velocity, learningRate: 0.05, momentum: momentum,
                                           weightDecay: weightDecay, nesterov: nesterov)
                        try engine.denseBackward(gradOutput, input: input, weight: weight, batch: batch,
                                                 inputs: inputs, units: units, gradWeight: gradWeight,
                                                 gradInput: gradInput, applying: step)
                        let oneSweep = batch <= 64 && inputs >= 256 && !openBLASThreads
                        XCTAssertEqual(try engine.download(gradWeight).allSatisfy(\.isNaN), oneSweep,
                                       "the weight gradient stored only outside the one sweep")
                    } else {
                        try engine.denseBackward(gradOutput, input: input, weight: weight, batch: batch,
                                                 inputs: inputs, units: units, gradWeight: gradWeight,
                                                 gradInput: gradInput)
                        try engine.sgdStep(parameter: weight, gradient: gradWeight, velocity: velocity,
                                           learningRate: 0.05, momentum: momentum, weightDecay: weightDecay,
                                           nesterov: nesterov)
                    }
                    results.append(try [weight, velocity].map { try engine.download($0) }
                                   + (gradInput.map { [try engine.download($0)] } ?? []))
                }
                let what = "batch \(batch), \(inputs) inputs, \(units) units, nesterov \(nesterov), \(threads) threads"
                XCTAssertTrue(results[1][0] != weights, "the weights moved, \(what)")
                for (name, separate, fused) in zip3(["weights", "velocities", "dX"], results[0], results[1]) {
                    let differing = zip(fused, separate).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(differing, 0, "\(name) differing of \(fused.count), \(what)")
                }
            }
        }
    }
}

private func zip3<A, B, C>(_ a: [A], _ b: [B], _ c: [C]) -> [(A, B, C)] {
    zip(a, zip(b, c)).map { ($0, $1.0, $1.1) }
}
