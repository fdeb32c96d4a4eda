import CPUEngine
import Engine
import Foundation
import OpenCLEngine
import XCTest
@testable import DLTrainKit

/// compare-devices' agreement where two engines pick different maxima of a near-tie. A 1×1 conv over 5×5 images,
/// then overlapping 3×3/2 max pools padded by 1, two samples. In sample 1, channel 0 lights pixel A = (2, 2) and
/// channel 1 pixel B = (2, 3): with conv weights [0.5, 0.5] the window (1, 1), which holds both, is an exact tie
/// (the first engine takes A, first in scan order); with [0.5, 0.5 + 1 ulp] the second engine takes B, routes that
/// window's gradient to B and so to the other conv weight. Sample 0 lights B alone, through channel 0, so that a
/// lookup in the wrong sample's plane would see 0.5 against 0 there, no tie.
final class MaxPoolTiesTests: XCTestCase {
    private let tolerance = 1e-3
    private let batch: SyntheticBatch = {
        var images = [Float](repeating: 0, count: 2 * 3 * 25)
        images[0 * 25 + 2 * 5 + 3] = 1  // sample 0, channel 0, B
        images[75 + 0 * 25 + 2 * 5 + 2] = 1  // sample 1, channel 0, A
        images[75 + 1 * 25 + 2 * 5 + 3] = 1  // sample 1, channel 1, B
        return SyntheticBatch(images: images, labels: [1, 0])
    }()

    /// The net on `engine` (a CPU engine of its own by default) with conv weights `weights` (and 0 for channel 2),
    /// no conv bias, and seeded dense weights.
    private func network(convWeights weights: [Float], on engine: ComputeEngine = CPUEngine(threads: 1)) throws
        -> Network {
        let json = """
            { "name": "ties", "data": { "train": "/nonexistent", "input": { "width": 5, "height": 5, "channels": 3 } },
              "network": [ { "type": "conv", "filters": 1, "size": 1, "bias": false },
                           { "type": "maxpool", "size": 3, "stride": 2, "padding": 1 },
                           { "type": "dense", "units": 2 } ],
              "training": { "epochs": 1, "batch_size": 2, "optimizer": { "type": "sgd", "learning_rate": 0.1 } },
              "output": { "directory": "/tmp/dltrain-ties" } }
            """
        let config = try Config(jsonData: Data(json.utf8), file: "ties test config")
        let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(3, 5, 5), seed: 5,
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
        XCTAssertGreaterThan(try XCTUnwrap(agreement.gradients["conv1.weight"]), 0.01)
        XCTAssertLessThan(agreement.logits, 1e-6)
        XCTAssertFalse(agreement.withinTolerance)
        let ties = try XCTUnwrap(agreement.maxPoolTies)
        XCTAssertEqual(ties.windows, 2 * 3 * 3)
        XCTAssertEqual(ties.rerouted, 1)
        XCTAssertEqual(ties.nearTies, 1)
        XCTAssertTrue(ties.repeatsFirstPass)
        XCTAssertLessThan(ties.gradientsOnBaselineChoices, 1e-6)
        XCTAssertTrue(agreement.explainedByMaxPoolTies)
        XCTAssertTrue(agreement.agrees)
    }

    /// B at 0.6 against A's 0.5: the logits differ, so no second pass runs; imposed directly, the rerouted window
    /// is no near-tie.
    func testDistinctValuesAreNotTies() throws {
        let agreement = try agreement(secondConvWeights: [0.5, 0.6])
        XCTAssertGreaterThan(agreement.logits, tolerance)
        XCTAssertNil(agreement.maxPoolTies)
        XCTAssertFalse(agreement.agrees)

        let baseline = try Snapshot(network: try network(convWeights: [0.5, 0.5]), batch: batch)
        let other = try network(convWeights: [0.5, 0.6])
        let own = try Snapshot(network: other, batch: batch).maxPoolChoices
        _ = try other.trainingForward(images: batch.images, labels: batch.labels, batch: 2)
        let imposition = try baseline.maxPoolChoices.impose(on: other, repeating: own, tolerance: tolerance)
        XCTAssertEqual(imposition.windows, 18)
        XCTAssertEqual(imposition.rerouted, 1)
        XCTAssertEqual(imposition.nearTies, 0)
        XCTAssertTrue(imposition.repeatedOwnChoices)
        // Expecting another pass's choices (the first engine's) is caught.
        _ = try other.trainingForward(images: batch.images, labels: batch.labels, batch: 2)
        XCTAssertFalse(try baseline.maxPoolChoices.impose(on: other, repeating: baseline.maxPoolChoices,
                                                          tolerance: tolerance).repeatedOwnChoices)
    }

    func testAgreeingEnginesRunNoSecondPass() throws {
        let agreement = try agreement(secondConvWeights: [0.5, 0.5])
        XCTAssertEqual(agreement.worst, 0)
        XCTAssertNil(agreement.maxPoolTies)
        XCTAssertTrue(agreement.agrees)
    }

    /// The verdict needs every part: forward agreement, a repeated pass, ties alone, near ones, and gradients that
    /// agree on the first engine's choices.
    func testTheVerdictNeedsEveryCondition() {
        XCTAssertTrue(verdict().explainedByMaxPoolTies)
        XCTAssertFalse(verdict(logits: 2e-3).explainedByMaxPoolTies)
        XCTAssertFalse(verdict(loss: 2e-3).explainedByMaxPoolTies)
        XCTAssertFalse(verdict(repeats: false).explainedByMaxPoolTies)
        XCTAssertFalse(verdict(rerouted: 0, nearTies: 0).explainedByMaxPoolTies)
        XCTAssertFalse(verdict(nearTies: 1).explainedByMaxPoolTies)
        XCTAssertFalse(verdict(imposed: 2e-3).explainedByMaxPoolTies)
    }

    private func verdict(logits: Double = 1e-7, loss: Double = 0, repeats: Bool = true, rerouted: Int = 2,
                         nearTies: Int = 2, imposed: Double = 1e-6) -> ComparisonReport.Agreement {
        var agreement = ComparisonReport.Agreement(logits: logits, loss: loss, gradients: ["w": 0.5],
                                                   tolerance: tolerance)
        agreement.maxPoolTies = ComparisonReport.MaxPoolTies(windows: 100_000, rerouted: rerouted, nearTies: nearTies,
                                                             repeatsFirstPass: repeats,
                                                             gradientsOnBaselineChoices: imposed)
        return agreement
    }

    /// The summary's verdict and the line under it, for ties and for what they do not explain; and the JSON's fields.
    func testTheReportSaysWhichItIs() throws {
        func table(_ agreement: ComparisonReport.Agreement) -> String {
            let engines = [nil, agreement].map {
                ComparisonReport.EngineResult(engine: "cpu", trainStepMilliseconds: 1, trainImagesPerSecond: 1000,
                                              inferenceImagesPerSecond: 3000, speedup: 1,
                                              projectedTrainingSeconds: nil, layers: [], agreement: $0)
            }
            return ComparisonReport(config: "ties", batch: 2, warmupIterations: 0, iterations: 1,
                                    trainingImages: nil, epochs: 1, engines: engines, unavailable: [:]).table()
        }
        let explained = try agreement(secondConvWeights: [0.5, Float(0.5).nextUp])
        let ties = table(explained)
        XCTAssertTrue(ties.contains(" ok (max-pool ties)"), ties)
        XCTAssertTrue(ties.contains("[1] differs most in conv1.weight gradient") && ties.contains(
            "only through max-pool ties: 1 of 18 max-pool windows chose another of two values within the tolerance"),
                      ties)
        let unexplained = table(verdict(repeats: false, rerouted: 1500, nearTies: 1499, imposed: 0.25))
        XCTAssertTrue(unexplained.contains("5.0e-01 OVER 0.001"), unexplained)
        XCTAssertTrue(unexplained.contains(
            "[1] differs most in w gradient (5.0e-01 > 1e-03), not through max-pool ties: a second pass did not repeat "
            + "the first bit for bit; 1 of the 1,500 windows that chose another maximum held no near-tie; with [0]'s "
            + "max-pool choices imposed the gradients still differ by 2.5e-01."), unexplained)

        let data = try JSONEncoder().encode(explained)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(document["agrees"] as? Bool, true)
        XCTAssertEqual(document["within_tolerance"] as? Bool, false)
        XCTAssertEqual(document["explained_by_max_pool_ties"] as? Bool, true)
        let fields = try XCTUnwrap(document["max_pool_ties"] as? [String: Any])
        XCTAssertEqual(Set(fields.keys), ["windows", "rerouted", "near_ties", "repeats_first_pass",
                                          "gradients_on_baseline_choices"])
        XCTAssertEqual(fields["rerouted"] as? Int, 1)
    }
}
