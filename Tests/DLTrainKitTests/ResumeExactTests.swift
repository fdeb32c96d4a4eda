import Foundation
import Engine
import OpenCLEngine
import XCTest
@testable import DLTrainKit

/// A resumed run continues exactly: on the CPU engine (fixed thread count) the weights are bitwise those of an
/// uninterrupted run, whether it stopped at an epoch boundary or mid-epoch.
final class ResumeExactTests: XCTestCase {
    private var data: URL!

    override func setUpWithError() throws {
        data = try ReliabilityFixture.makeData()
    }

    /// Trains `epochs` epochs from scratch (or from `resume`) into `output`; returns the final `last` tensors.
    @discardableResult
    private func train(_ epochs: Int, output: URL, resume: URL? = nil, stopAfterSteps: Int? = nil,
                       engine: @autoclosure () -> ComputeEngineFactory = .cpu) throws -> [String: [Float]] {
        let config = try ReliabilityFixture.config(data: data, output: output, epochs: 4)
        let stop = StopRequest()
        let trainer = try Trainer(config: config, engine: engine().make(),
                                  options: .init(epochs: epochs, resume: resume, stopRequest: stop))
        let observer = RecordingObserver()
        if let stopAfterSteps { observer.onStep = { if $0 == stopAfterSteps { stop.request() } } }
        try trainer.run(observer: observer)
        return try ReliabilityFixture.tensors(CheckpointDirectory(runDirectory: output).lastURL)
    }

    func testFourEpochsEqualTwoPlusTwoResumedBitwise() throws {
        let whole = try train(4, output: ReliabilityFixture.makeOutput())
        let split = ReliabilityFixture.makeOutput()
        try train(2, output: split)
        let resumed = try train(4, output: split, resume: CheckpointDirectory(runDirectory: split).lastURL)
        XCTAssertEqual(Set(whole.keys), Set(resumed.keys))
        XCTAssertTrue(whole.keys.contains("optimizer.conv1.weight.momentum"))
        XCTAssertTrue(whole.keys.contains { $0.hasSuffix("running_mean") })
        for (name, values) in whole {
            XCTAssertEqual(values.map(\.bitPattern), resumed[name]?.map(\.bitPattern), name)
        }
    }

    func testResumingAnEarlierEpochKeepsTheBestModelAndRewritesLaterMetrics() throws {
        let output = ReliabilityFixture.makeOutput()
        try train(3, output: output)
        let folder = CheckpointDirectory(runDirectory: output)
        let bestBefore = try Data(contentsOf: folder.bestURL)
        let bestAccuracy = try XCTUnwrap(Checkpoint.load(from: folder.bestURL).metadata.bestValidationAccuracy)
        try train(3, output: output, resume: folder.epochURL(2))
        let rows = try String(contentsOf: output.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," }) }
        XCTAssertEqual(rows, [1, 2, 3], "epoch 3's row is replaced, not duplicated")
        let bestAfter = try XCTUnwrap(Checkpoint.load(from: folder.bestURL).metadata.bestValidationAccuracy)
        XCTAssertGreaterThanOrEqual(bestAfter, bestAccuracy)
        if bestAfter == bestAccuracy { XCTAssertEqual(try Data(contentsOf: folder.bestURL), bestBefore) }
    }

    func testTwoEpochsEqualOnePlusOneResumed() throws {
        let whole = try train(2, output: ReliabilityFixture.makeOutput())
        let split = ReliabilityFixture.makeOutput()
        try train(1, output: split)
        let resumed = try train(2, output: split, resume: CheckpointDirectory(runDirectory: split).lastURL)
        XCTAssertEqual(whole.mapValues { $0.map(\.bitPattern) }, resumed.mapValues { $0.map(\.bitPattern) })
    }

    func testInterruptedMidEpochResumesAtTheNextBatchBitwise() throws {
        let whole = try train(3, output: ReliabilityFixture.makeOutput())
        let split = ReliabilityFixture.makeOutput()
        // 24 training images in batches of 5: 5 batches per epoch; stop after step 8 = batch 3 of epoch 2.
        XCTAssertThrowsError(try train(3, output: split, stopAfterSteps: 8)) { error in
            guard case TrainingError.interrupted(_, 2, 3, 5) = error else { return XCTFail("\(error)") }
        }
        let interrupted = CheckpointDirectory(runDirectory: split).interruptedURL
        let checkpoint = try Checkpoint.load(from: interrupted)
        XCTAssertEqual(checkpoint.metadata.epoch, 1)
        XCTAssertEqual(checkpoint.metadata.step, 8)
        XCTAssertEqual(checkpoint.metadata.progress?.batches, 3)
        let resumed = try train(3, output: split, resume: interrupted)
        XCTAssertEqual(whole.mapValues { $0.map(\.bitPattern) }, resumed.mapValues { $0.map(\.bitPattern) })
        let rows = try String(contentsOf: RunDirectory(url: split).metricsCSVURL, encoding: .utf8)
        XCTAssertEqual(rows.split(separator: "\n").count, 1 + 3, "one row per epoch, the interrupted one once")
    }

    func testOpenCLResumeMatchesWithinTolerance() throws {
        guard let engine = try? OpenCLEngine() else { throw XCTSkip("no OpenCL device") }
        _ = engine
        let whole = try train(4, output: ReliabilityFixture.makeOutput(), engine: .openCL)
        let split = ReliabilityFixture.makeOutput()
        try train(2, output: split, engine: .openCL)
        let resumed = try train(4, output: split, resume: CheckpointDirectory(runDirectory: split).lastURL,
                                engine: .openCL)
        for (name, values) in whole {
            let other = try XCTUnwrap(resumed[name])
            for (a, b) in zip(values, other) {
                XCTAssertLessThanOrEqual(abs(a - b), 1e-4 * max(1, abs(a)), name)
            }
        }
    }

    func testCheckpointRoundTripKeepsTensorsAndMetadata() throws {
        let output = ReliabilityFixture.makeOutput()
        let config = try ReliabilityFixture.config(data: data, output: output, epochs: 1)
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine())
        try trainer.run()
        let progress = EpochProgress(batches: 2, batchCount: 5, lossSum: 3.5, seen: 10, correct: 4,
                                     skippedImages: 1, skippedBatches: 0)
        let metadata = CheckpointMetadata(
            configJSON: config.resolvedJSON(), classNames: ReliabilityFixture.classNames, epoch: 1, step: 5,
            bestValidationAccuracy: 0.5, metrics: nil, device: "cpu", progress: progress)
        let encoded = try Checkpoint.encode(network: trainer.network, optimizer: nil, metadata: metadata)
        let url = output.appendingPathComponent("roundtrip.safetensors")
        try encoded.write(to: url)
        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(loaded.metadata, metadata)
        XCTAssertEqual(loaded.config, config)
        for (name, tensor) in trainer.network.namedTensors {
            XCTAssertEqual(loaded.file[name]?.values, try trainer.network.engine.download(tensor), name)
            XCTAssertEqual(loaded.file[name]?.shape, tensor.shape.dimensions, name)
        }
        let rebuilt = try loaded.makeNetwork(on: ReliabilityFixture.engine(), path: url.path)
        for ((name, a), (_, b)) in zip(trainer.network.namedTensors, rebuilt.namedTensors) {
            XCTAssertEqual(try trainer.network.engine.download(a), try rebuilt.engine.download(b), name)
        }
    }
}

/// Which engine a resume test trains on.
enum ComputeEngineFactory {
    case cpu, openCL

    func make() throws -> ComputeEngine {
        switch self {
        case .cpu: ReliabilityFixture.engine()
        case .openCL: try OpenCLEngine()
        }
    }
}
