import CPUEngine
import Engine
import Foundation
import OpenCLEngine
import XCTest
@testable import DLTrainKit

/// compare-devices' agreement where two engines pick different maxima of a near-tie: a 1×1 conv whose two weights
/// make two pixels of one 2×2 pool window equal on the first engine and one float apart on the second, so that
/// the second routes the window's gradient to the other pixel and the conv's weight gradients swap; and the same
/// with the pixels far apart, which ties must not explain.
final class MaxPoolTiesTests: XCTestCase {
    private let tolerance = 1e-3
    /// Channel 0 lights pixel (0, 0), channel 1 pixel (0, 1), channel 2 none: the conv's output there is w0, and w1.
    private let batch = SyntheticBatch(images: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], labels: [1])

    /// The net on `engine` (a CPU engine of its own by default) with conv weights `weights` (and 0 for channel 2),
    /// no conv bias, and seeded dense weights.
    private func network(convWeights weights: [Float], on engine: ComputeEngine = CPUEngine(threads: 1)) throws
        -> Network {
        let json = """
            { "name": "ties", "data": { "train": "/nonexistent", "input": { "width": 2, "height": 2, "channels": 3 } },
              "network": [ { "type": "conv", "filters": 1, "size": 1, "bias": false },
                           { "type": "maxpool", "size": 2 }, { "type": "dense", "units": 2 } ],
              "training": { "epochs": 1, "batch_size": 1, "optimizer": { "type": "sgd", "learning_rate": 0.1 } },
              "output": { "directory": "/tmp/dltrain-ties" } }
            """
        let config = try Config(jsonData: Data(json.utf8), file: "ties test config")
        let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(3, 2, 2), seed: 5,
                                               engine: engine)
        let conv = try XCTUnwrap(network.parameters.first { $0.name == "conv1.weight" })
        try (weights + [0]).withUnsafeBufferPointer { try engine.upload($0, to: conv.value) }
        return network
    }

    /// The second net's agreement with the first, whose conv weights are [0.5, 0.5] on the CPU engine.
    private func agreement(secondConvWeights weights: [Float], on engine: ComputeEngine = CPUEngine(threads: 1))
        throws -> ComparisonReport.Agreement {
        let baseline = try Snapshot(network: try network(convWeights: [0.5, 0.5]), batch: batch)
        let other = try network(convWeights: weights, on: engine)
        return try Snapshot(network: other, batch: batch)
            .agreement(with: baseline, tolerance: tolerance, network: other, batch: batch)
    }

    func testATieBrokenTheOtherWayIsExplained() throws {
        try assertTieExplained(on: CPUEngine(threads: 1))
    }

    /// The same on the OpenCL engine: its choices read back, the CPU engine's uploaded before its backward pass.
    func testATieBrokenTheOtherWayOnOpenCLIsExplained() throws {
        try assertTieExplained(on: try OpenCLEngine())
    }

    private func assertTieExplained(on engine: ComputeEngine) throws {
        let agreement = try agreement(secondConvWeights: [0.5, Float(0.5).nextUp], on: engine)
        // The conv's weight gradient moved from w0 to w1: a difference as large as the gradient itself.
        XCTAssertEqual(try XCTUnwrap(agreement.gradients["conv1.weight"]), 1, accuracy: 1e-5)
        XCTAssertLessThan(agreement.logits, 1e-6)
        XCTAssertFalse(agreement.withinTolerance)
        let ties = try XCTUnwrap(agreement.maxPoolTies)
        XCTAssertEqual(ties.windows, 1)
        XCTAssertEqual(ties.rerouted, 1)
        XCTAssertEqual(ties.nearTies, 1)
        XCTAssertLessThan(ties.gradientsOnBaselineChoices, 1e-6)
        XCTAssertTrue(agreement.explainedByMaxPoolTies)
        XCTAssertTrue(agreement.agrees)
    }

    func testDistinctValuesAreNotTies() throws {
        let agreement = try agreement(secondConvWeights: [0.5, 0.6])
        let ties = try XCTUnwrap(agreement.maxPoolTies)
        XCTAssertEqual(ties.rerouted, 1)
        XCTAssertEqual(ties.nearTies, 0)
        XCTAssertFalse(agreement.explainedByMaxPoolTies)
        XCTAssertFalse(agreement.agrees)
    }

    func testAgreeingEnginesRunNoSecondPass() throws {
        let agreement = try agreement(secondConvWeights: [0.5, 0.5])
        XCTAssertEqual(agreement.worst, 0)
        XCTAssertNil(agreement.maxPoolTies)
        XCTAssertTrue(agreement.agrees)
    }

    /// The verdict needs every part: ties alone, near ones, and gradients that agree on the first engine's choices.
    func testTheVerdictNeedsEveryCondition() {
        func verdict(logits: Double = 1e-7, rerouted: Int = 2, nearTies: Int = 2, imposed: Double = 1e-6) -> Bool {
            var agreement = ComparisonReport.Agreement(logits: logits, loss: 0, gradients: ["w": 0.5],
                                                       tolerance: tolerance)
            agreement.maxPoolTies = ComparisonReport.MaxPoolTies(windows: 10, rerouted: rerouted, nearTies: nearTies,
                                                                 gradientsOnBaselineChoices: imposed)
            return agreement.explainedByMaxPoolTies
        }
        XCTAssertTrue(verdict())
        XCTAssertFalse(verdict(logits: 2e-3))
        XCTAssertFalse(verdict(rerouted: 0, nearTies: 0))
        XCTAssertFalse(verdict(nearTies: 1))
        XCTAssertFalse(verdict(imposed: 2e-3))
    }

    /// The summary's verdict and the line under it, for ties and for distinct values; and the JSON's fields.
    func testTheReportSaysWhichItIs() throws {
        func report(_ agreement: ComparisonReport.Agreement) -> ComparisonReport {
            let engines = [nil, agreement].map {
                ComparisonReport.EngineResult(engine: "cpu", trainStepMilliseconds: 1, trainImagesPerSecond: 1000,
                                              inferenceImagesPerSecond: 3000, speedup: 1,
                                              projectedTrainingSeconds: nil, layers: [], agreement: $0)
            }
            return ComparisonReport(config: "ties", batch: 1, warmupIterations: 0, iterations: 1,
                                    trainingImages: nil, epochs: 1, engines: engines, unavailable: [:])
        }
        let ties = report(try agreement(secondConvWeights: [0.5, Float(0.5).nextUp])).table()
        XCTAssertTrue(ties.contains("1.0e+00 ok (max-pool ties)"), ties)
        XCTAssertTrue(ties.contains("[1] differs most in conv1.weight gradient (1.0e+00 > 1e-03) only through max-pool "
                                    + "ties: 1 of 1 max-pool windows chose another"), ties)
        let distinct = report(try agreement(secondConvWeights: [0.5, 0.6])).table()
        XCTAssertTrue(distinct.contains("OVER 0.001"), distinct)
        XCTAssertTrue(distinct.contains("not max-pool ties alone. 1 of 1 max-pool windows chose another maximum (0 of "
                                        + "them near-ties)"), distinct)

        let data = try JSONEncoder().encode(try agreement(secondConvWeights: [0.5, Float(0.5).nextUp]))
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(document["agrees"] as? Bool, true)
        XCTAssertEqual(document["within_tolerance"] as? Bool, false)
        XCTAssertEqual(document["explained_by_max_pool_ties"] as? Bool, true)
        let fields = try XCTUnwrap(document["max_pool_ties"] as? [String: Any])
        XCTAssertEqual(Set(fields.keys), ["windows", "rerouted", "near_ties", "gradients_on_baseline_choices"])
        XCTAssertEqual(fields["rerouted"] as? Int, 1)
    }
}
