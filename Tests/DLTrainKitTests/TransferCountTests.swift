import CPUEngine
import Engine
import OpenCLEngine
import XCTest
@testable import DLTrainKit

/// A training step moves only the input batch and labels up and the loss statistics down: no layer, loss or
/// optimizer makes a hidden host round trip.
final class TransferCountTests: XCTestCase {
    private let batch = 5

    func testCPUTrainingStepUploadsOnlyBatchAndLabels() throws {
        // The CPU engine computes the loss in host memory: nothing to download.
        try assertStepTransfers(on: CPUEngine(threads: 2), lossDownloadBytes: nil)
    }

    func testOpenCLTrainingStepMovesOnlyBatchLabelsAndLoss() throws {
        // Loss and correct count come down together as two floats.
        try assertStepTransfers(on: OpenCLEngine(), lossDownloadBytes: 2 * MemoryLayout<Float>.size)
    }

    private func assertStepTransfers(on engine: ComputeEngine, lossDownloadBytes: Int?,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let config = try SmallNetConfig.make()
        let plan = try config.networkPlan()
        let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(plan.inputShape),
                                               seed: 7, engine: engine)
        let optimizer = try Optimizer(rule: UpdateRule(config.training.optimizer), parameters: network.parameters,
                                      engine: engine)
        try network.prepare(batch: batch)
        let input = SyntheticBatch(inputShape: plan.inputShape, classes: plan.classCount, batch: batch, seed: 1)
        let floatSize = MemoryLayout<Float>.size
        for step in 0..<3 {
            let before = engine.transfers
            network.seedDropout(runSeed: 1, step: step)
            let result = try network.computeGradients(images: input.images, labels: input.labels, batch: batch)
            try optimizer.step(learningRate: 0.05)
            try engine.synchronize()
            let after = engine.transfers
            let what = "\(engine.name), step \(step)"
            XCTAssertTrue(result.loss.isFinite, what, file: file, line: line)
            XCTAssertEqual(after.uploads - before.uploads, 2, "\(what): uploads", file: file, line: line)
            XCTAssertEqual(after.bytesUploaded - before.bytesUploaded, (input.images.count + batch) * floatSize,
                           "\(what): bytes uploaded (the batch and its labels)", file: file, line: line)
            XCTAssertEqual(after.downloads - before.downloads, lossDownloadBytes == nil ? 0 : 1,
                           "\(what): downloads", file: file, line: line)
            XCTAssertEqual(after.bytesDownloaded - before.bytesDownloaded, lossDownloadBytes ?? 0,
                           "\(what): bytes downloaded", file: file, line: line)
        }
    }
}
