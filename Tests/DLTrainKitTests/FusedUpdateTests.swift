import Engine
import Foundation
import XCTest
@testable import DLTrainKit

/// Plain SGD's update applied by a dense layer in its backward pass (the CPU engine's one-sweep backward, where
/// the layer has at least 256 inputs): training gives bitwise the weights and checkpoints of the separate update
/// (which the tests' `afterBackward` hook forces), and a non-finite loss leaves the weights to its diagnosis.
final class FusedUpdateTests: XCTestCase {
    private var data: URL!

    override func setUpWithError() throws {
        data = try ReliabilityFixture.makeData(perClass: 8, size: 16)
    }

    /// A run on 16×16 images whose dense1 has 4·16·16 = 1,024 inputs.
    private func trainer(fused: Bool, learningRate: Double = 0.05) throws -> Trainer {
        let output = ReliabilityFixture.makeOutput()
        let config = try Config(jsonData: Data("""
            {
              "name": "fused",
              "data": { "train": "\(data.path)", "validation_split": 0.25,
                        "input": { "width": 16, "height": 16, "channels": 1 } },
              "network": [
                { "type": "conv", "filters": 4, "size": 3, "padding": 1, "activation": "relu" },
                { "type": "dense", "units": 20, "activation": "relu" },
                { "type": "dense", "units": 3 }
              ],
              "training": { "epochs": 2, "batch_size": 6, "seed": 3,
                            "optimizer": { "type": "sgd", "learning_rate": \(learningRate), "momentum": 0.9,
                                           "weight_decay": 0.001 } },
              "output": { "directory": "\(output.path)" }
            }
            """.utf8))
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine())
        if !fused { trainer.afterBackward = { _ in } }
        return trainer
    }

    func testTheFusedUpdateTrainsBitwiseAsTheSeparateOne() throws {
        var checkpoints: [[String: [Float]]] = []
        var gradients: [[Float]] = []
        for fused in [true, false] {
            let trainer = try trainer(fused: fused)
            try trainer.run()
            checkpoints.append(try ReliabilityFixture.tensors(
                CheckpointDirectory(runDirectory: trainer.runDirectory.url).lastURL))
            let dense = try XCTUnwrap(trainer.network.parameters.first { $0.name == "dense1.weight" })
            gradients.append(try trainer.network.engine.download(dense.gradient))
        }
        // The gradient's contents after a fused step are the engine's business; all zeros (as allocated) here
        // shows that the CPU engine's one sweep, which never stores it, ran every step.
        XCTAssertTrue(gradients[0].allSatisfy { $0 == 0 }, "the fused run never stores dense1's weight gradient")
        XCTAssertTrue(gradients[1].contains { $0 != 0 }, "the separate run does")
        XCTAssertEqual(Set(checkpoints[0].keys), Set(checkpoints[1].keys))
        XCTAssertTrue(checkpoints[0].keys.contains("optimizer.dense1.weight.momentum"))
        for (name, values) in checkpoints[0] {
            XCTAssertTrue(values.map(\.bitPattern) == checkpoints[1][name]?.map(\.bitPattern), name)
        }
    }

    /// A step whose loss is NaN (NaN images) leaves every weight as it was, for the trainer's diagnosis; a finite
    /// one has dense1 apply its offered update, which the optimizer's step then leaves alone.
    func testANonFiniteLossWithdrawsTheOfferedUpdates() throws {
        let trainer = try trainer(fused: true)
        let (network, engine) = (trainer.network, trainer.network.engine)
        let dense = try XCTUnwrap(network.parameters.first { $0.name == "dense1.weight" })
        let labels: [Float] = [0, 1, 2, 0, 1, 2]
        var images = [Float](repeating: .nan, count: labels.count * 256)
        let before = try engine.download(dense.value)
        trainer.optimizer.offerUpdates(learningRate: 0.05)
        XCTAssertTrue(try network.computeGradients(images: images, labels: labels, batch: labels.count).loss.isNaN)
        XCTAssertTrue(try engine.download(dense.value).map(\.bitPattern) == before.map(\.bitPattern))
        guard case .optimizer = dense.update else { return XCTFail("\(dense.update)") }

        images = (0..<images.count).map { Float($0 % 7) / 7 }
        trainer.optimizer.offerUpdates(learningRate: 0.05)
        XCTAssertTrue(try network.computeGradients(images: images, labels: labels, batch: labels.count).loss.isFinite)
        guard case .appliedByLayer = dense.update else { return XCTFail("\(dense.update)") }
        let updated = try engine.download(dense.value)
        XCTAssertTrue(updated != before)
        try trainer.optimizer.step(learningRate: 0.05)
        XCTAssertTrue(try engine.download(dense.value).map(\.bitPattern) == updated.map(\.bitPattern))
        guard case .optimizer = dense.update else { return XCTFail("\(dense.update)") }
    }

    /// A learning rate of 1e12 blows the weights up through the fused updates (finite gradients, then non-finite
    /// weights): the run stops at the same step naming the same weights as with the separate update.
    func testADivergingFusedRunStopsAsTheSeparateOne() throws {
        var errors: [TrainingError] = []
        for fused in [true, false] {
            XCTAssertThrowsError(try trainer(fused: fused, learningRate: 1e12).run()) { error in
                guard let error = error as? TrainingError, case .nonFinite = error else { return XCTFail("\(error)") }
                errors.append(error)
            }
        }
        XCTAssertEqual(errors.count, 2)
        XCTAssertEqual(errors.first, errors.last)
        guard case let .nonFinite(_, step, location) = errors[0] else { return }
        XCTAssertGreaterThan(step, 1)
        XCTAssertTrue(location.hasPrefix("the weights "), location)
    }
}
