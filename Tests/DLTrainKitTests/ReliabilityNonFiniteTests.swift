import Engine
import Foundation
import XCTest
@testable import DLTrainKit

/// NaN and infinity: a diverging run stops naming the step and the layer, `on_nonfinite: "skip"` leaves the
/// batch out and counts it, and a non-finite model is never written as a checkpoint.
final class ReliabilityNonFiniteTests: XCTestCase {
    private var data: URL!

    override func setUpWithError() throws {
        data = try ReliabilityFixture.makeData()
    }

    private func trainer(training: String = "", learningRate: Double = 0.05, output: URL? = nil) throws -> Trainer {
        let config = try ReliabilityFixture.config(data: data, output: output ?? ReliabilityFixture.makeOutput(),
                                                   learningRate: learningRate, training: training)
        return try Trainer(config: config, engine: ReliabilityFixture.engine())
    }

    /// Writes `value` into the first element of `tensor`.
    private func poison(_ tensor: Tensor, on engine: ComputeEngine, with value: Float = .nan) throws {
        var values = try engine.download(tensor)
        values[0] = value
        try values.withUnsafeBufferPointer { try engine.upload($0, to: tensor) }
    }

    func testADivergingRunStopsNamingTheStepAndTheLayer() throws {
        let trainer = try trainer(learningRate: 1e12)
        XCTAssertThrowsError(try trainer.run()) { error in
            guard case TrainingError.nonFinite(let epoch, let step, let location) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(epoch, 1)
            XCTAssertGreaterThan(step, 1)
            let layers = trainer.network.layers.map(\.name)
            XCTAssertTrue(layers.contains { location.contains($0) }, location)
            XCTAssertTrue("\(error)".contains("step \(step)"), "\(error)")
            // The log of an unattended run says how it ended.
            let log = (try? String(contentsOf: trainer.runDirectory.logURL, encoding: .utf8)) ?? ""
            XCTAssertTrue(log.contains("stopped: \(error)"), log)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: trainer.runDirectory.checkpointsURL
            .appendingPathComponent("last.safetensors").path))
    }

    func testANaNGradientIsAppliedThenNamedByItsLayerAtTheNextStep() throws {
        let trainer = try trainer()
        let dense = try XCTUnwrap(trainer.network.parameters.first { $0.name == "dense1.weight" })
        trainer.afterBackward = { step in
            if step == 3 { try self.poison(dense.gradient, on: trainer.network.engine) }
        }
        XCTAssertThrowsError(try trainer.run()) { error in
            XCTAssertEqual(error as? TrainingError,
                           .nonFinite(epoch: 1, step: 4, where: "the weights dense1.weight (updated at step 3)"))
        }
    }

    func testSkipPolicyLeavesTheBatchOutAndCountsIt() throws {
        let trainer = try trainer(training: #", "on_nonfinite": "skip""#)
        let conv = try XCTUnwrap(trainer.network.parameters.first { $0.name == "conv1.weight" })
        var poisoned = false
        trainer.afterBackward = { step in
            guard step == 3, !poisoned else { return }
            poisoned = true
            try self.poison(conv.gradient, on: trainer.network.engine, with: .infinity)
        }
        let observer = RecordingObserver()
        try trainer.run(observer: observer)
        XCTAssertEqual(observer.epochs.map(\.skippedBatches), [1, 0])
        XCTAssertEqual(observer.warnings, ["skipped batch 3 of epoch 1: the gradient of conv1.weight became NaN or infinite"])
        XCTAssertEqual(observer.epochs.last?.step, 9, "10 batches, one skipped: 9 updates")
        let last = try ReliabilityFixture.tensors(CheckpointDirectory(runDirectory: trainer.runDirectory.url).lastURL)
        XCTAssertTrue(last.values.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    func testANonFiniteModelIsNeverWrittenAsLastOrBest() throws {
        let trainer = try trainer()
        let weight = try XCTUnwrap(trainer.network.parameters.first { $0.name == "dense2.weight" })
        trainer.afterBackward = { step in
            if step == 10 { try self.poison(weight.value, on: trainer.network.engine) }
        }
        XCTAssertThrowsError(try trainer.run()) { error in
            XCTAssertEqual(error as? TrainingError, .nonFiniteCheckpoint(epoch: 2, tensor: "dense2.weight"))
        }
        let folder = CheckpointDirectory(runDirectory: trainer.runDirectory.url)
        for url in [folder.lastURL, folder.bestURL] {
            let checkpoint = try Checkpoint.load(from: url)
            XCTAssertEqual(checkpoint.metadata.epoch, 1, url.lastPathComponent)
            XCTAssertTrue(checkpoint.file.tensors.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        }
        XCTAssertEqual(try folder.epochCheckpoints().map(\.epoch), [1])
    }
}
