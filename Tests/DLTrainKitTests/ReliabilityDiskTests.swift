import Foundation
import XCTest
@testable import DLTrainKit

/// Disk faults: an unwritable run folder is found before any data is read; a checkpoint write that fails
/// mid-run is an error that leaves the checkpoints already written as they were.
final class ReliabilityDiskTests: XCTestCase {
    func testAnUnwritableOutputFolderIsFoundBeforeTheDataIsRead() throws {
        let file = TemporaryFolders.path("dltrain-file")
        try Data("not a folder".utf8).write(to: file)
        let config = try ReliabilityFixture.config(data: URL(fileURLWithPath: "/nonexistent/data"),
                                                   output: file.appendingPathComponent("run"))
        XCTAssertThrowsError(try Trainer(config: config, engine: ReliabilityFixture.engine())) { error in
            guard case TrainingError.outputNotWritable(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, file.appendingPathComponent("run").path)
        }
        let onTheFile = try ReliabilityFixture.config(data: URL(fileURLWithPath: "/nonexistent/data"), output: file)
        XCTAssertThrowsError(try Trainer(config: onTheFile, engine: ReliabilityFixture.engine())) { error in
            XCTAssertEqual(error as? TrainingError,
                           .outputNotWritable(path: file.path, reason: "it exists and is not a folder"))
        }
    }

    func testAFailedCheckpointWriteIsAnErrorAndLeavesThePreviousCheckpointsIntact() throws {
        let output = ReliabilityFixture.makeOutput()
        let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(), output: output, epochs: 3)
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine())
        let folder = CheckpointDirectory(runDirectory: output)
        let observer = RecordingObserver()
        // After epoch 1, a folder takes the temporary name the next `last` write needs: open(2) fails with
        // EISDIR, as a full or read-only disk would fail it (and unlike permissions, this stops root too).
        var saved: [String: Data] = [:]
        observer.onEpoch = { metrics in
            guard metrics.epoch == 1 else { return }
            for url in [folder.lastURL, folder.bestURL, folder.epochURL(1)] {
                saved[url.lastPathComponent] = try Data(contentsOf: url)
            }
            try FileManager.default.createDirectory(
                at: folder.url.appendingPathComponent(".last.safetensors.tmp-\(getpid())"),
                withIntermediateDirectories: false)
        }
        XCTAssertThrowsError(try trainer.run(observer: observer)) { error in
            guard case TrainingError.checkpointWriteFailed(let cause, let path) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, folder.url.path)
            XCTAssertTrue(cause.message.contains("Is a directory"), cause.message)
            XCTAssertTrue("\(error)".contains("are intact"), "\(error)")
        }
        XCTAssertEqual(saved.count, 3)
        for (name, bytes) in saved {
            XCTAssertEqual(try Data(contentsOf: folder.url.appendingPathComponent(name)), bytes, name)
        }
        XCTAssertEqual(try Checkpoint.load(from: folder.lastURL).metadata.epoch, 1)
        XCTAssertEqual(try folder.epochCheckpoints().map(\.epoch), [1])
    }
}
