import CPUEngine
import Engine
import XCTest

/// Batch normalisation against the double-precision reference: 1e-4 relative (float sums over up to 10⁴ values).
final class CPUEngineBatchNormTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)
    private let shapes = [(batch: 1, channels: 1, spatial: 2), (3, 5, 7), (64, 10, 1), (4, 8, 900)]

    func testTrainingMatchesNaive() throws {
        var random = TestRandom(seed: 40)
        for (batch, channels, spatial) in shapes {
            // An offset mean checks the two-pass variance against cancellation.
            let input = random.floats(batch * channels * spatial, in: 99...101)
            let (gamma, beta) = (random.floats(channels, in: 0.5...2), random.floats(channels))
            let (runningMean, runningVariance) = (random.floats(channels), random.floats(channels, in: 0.5...1.5))
            let c = Shape(channels)
            let (runMean, runVar) = (try engine.tensor(runningMean, c), try engine.tensor(runningVariance, c))
            let (mean, invStd) = (try engine.poisoned(c), try engine.poisoned(c))
            let output = try engine.poisoned(Shape(input.count))
            try engine.batchNormTraining(try engine.tensor(input, Shape(input.count)), batch: batch,
                                         channels: channels, spatial: spatial, gamma: try engine.tensor(gamma, c),
                                         beta: try engine.tensor(beta, c), epsilon: 1e-5, momentum: 0.1,
                                         runningMean: runMean, runningVariance: runVar,
                                         savedMean: mean, savedInvStd: invStd, into: output)
            let expected = NaiveReference.batchNormTraining(
                input, batch: batch, channels: channels, spatial: spatial, gamma: gamma, beta: beta, epsilon: 1e-5,
                momentum: 0.1, runningMean: runningMean, runningVariance: runningVariance)
            let label = "\(batch)×\(channels)×\(spatial)"
            assertClose(try engine.download(output), expected.output, tolerance: 1e-4, "output \(label)")
            assertClose(try engine.download(mean), expected.mean, tolerance: 1e-6, "mean \(label)")
            assertClose(try engine.download(invStd), expected.invStd, tolerance: 1e-4, "invStd \(label)")
            assertClose(try engine.download(runMean), expected.runningMean, tolerance: 1e-6, "runningMean \(label)")
            assertClose(try engine.download(runVar), expected.runningVariance, tolerance: 1e-4,
                        "runningVariance \(label)")
        }
    }

    func testInferenceMatchesNaive() throws {
        var random = TestRandom(seed: 41)
        for (batch, channels, spatial) in shapes {
            let input = random.floats(batch * channels * spatial, in: -3...3)
            let (gamma, beta) = (random.floats(channels, in: 0.5...2), random.floats(channels))
            let (runningMean, runningVariance) = (random.floats(channels), random.floats(channels, in: 0.5...1.5))
            let c = Shape(channels)
            let output = try engine.poisoned(Shape(input.count))
            try engine.batchNormInference(try engine.tensor(input, Shape(input.count)), batch: batch,
                                          channels: channels, spatial: spatial,
                                          gamma: try engine.tensor(gamma, c), beta: try engine.tensor(beta, c),
                                          epsilon: 1e-3, runningMean: try engine.tensor(runningMean, c),
                                          runningVariance: try engine.tensor(runningVariance, c), into: output)
            assertClose(try engine.download(output), NaiveReference.batchNormInference(
                input, batch: batch, channels: channels, spatial: spatial, gamma: gamma, beta: beta, epsilon: 1e-3,
                runningMean: runningMean, runningVariance: runningVariance), tolerance: 1e-5)
        }
    }

    /// With `gradInput` and without it (where batch norm ends the backward pass, dγ and dβ alone).
    func testBackwardMatchesNaive() throws {
        var random = TestRandom(seed: 42)
        for (batch, channels, spatial) in shapes {
            for withGradInput in [true, false] {
                let count = batch * channels * spatial
                let (input, gradOutput) = (random.floats(count, in: -2...2), random.floats(count))
                let gamma = random.floats(channels, in: 0.5...2)
                let mean = random.floats(channels, in: -0.1...0.1)
                let invStd = random.floats(channels, in: 0.5...1.5)
                let c = Shape(channels)
                let gradInput = withGradInput ? try engine.poisoned(Shape(count)) : nil
                let (gradGamma, gradBeta) = (try engine.poisoned(c), try engine.poisoned(c))
                try engine.batchNormBackward(try engine.tensor(gradOutput, Shape(count)),
                                             input: try engine.tensor(input, Shape(count)), batch: batch,
                                             channels: channels, spatial: spatial,
                                             gamma: try engine.tensor(gamma, c), savedMean: try engine.tensor(mean, c),
                                             savedInvStd: try engine.tensor(invStd, c),
                                             gradInput: gradInput, gradGamma: gradGamma, gradBeta: gradBeta)
                let expected = NaiveReference.batchNormBackward(
                    gradOutput, input: input, batch: batch, channels: channels, spatial: spatial, gamma: gamma,
                    mean: mean, invStd: invStd)
                let label = "\(batch)×\(channels)×\(spatial), gradInput \(withGradInput)"
                if let gradInput {
                    assertClose(try engine.download(gradInput), expected.gradInput, tolerance: 1e-4, "dx \(label)")
                }
                assertClose(try engine.download(gradGamma), expected.gradGamma, tolerance: 1e-4, "dγ \(label)")
                assertClose(try engine.download(gradBeta), expected.gradBeta, tolerance: 1e-4, "dβ \(label)")
            }
        }
    }
}
