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
}
