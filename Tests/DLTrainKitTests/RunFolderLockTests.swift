import Foundation
import XCTest
@testable import DLTrainKit

/// One trainer at a time per run folder: a second is refused before it touches the folder (an `--overwrite` would
/// delete the first run's files), naming the holder; the folder is free again once the first run has returned.
final class RunFolderLockTests: XCTestCase {
    func testASecondTrainerOnTheSameFolderIsRefusedUntilTheFirstRunReturns() throws {
        let output = ReliabilityFixture.makeOutput()
        let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(), output: output)
        let first = try Trainer(config: config, engine: ReliabilityFixture.engine())
        XCTAssertThrowsError(try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                         options: Trainer.Options(overwrite: true))) { error in
            XCTAssertEqual(error as? TrainingError, .runInUse(path: output.path, processID: Int(getpid())))
            XCTAssertTrue("\(error)".contains("is in use by another dltrain train (process \(getpid()))"), "\(error)")
        }
        try first.run()
        XCTAssertTrue(FileManager.default.fileExists(atPath: CheckpointDirectory(runDirectory: output).lastURL.path),
                      "the refused --overwrite deleted nothing")
        let resumed = CheckpointDirectory(runDirectory: output).lastURL
        XCTAssertNoThrow(try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                     options: Trainer.Options(epochs: 3, resume: resumed)))
    }

    func testTheLockIsGoneWithItsTrainer() throws {
        let output = ReliabilityFixture.makeOutput()
        let config = try ReliabilityFixture.config(data: try ReliabilityFixture.makeData(), output: output)
        var first: Trainer? = try Trainer(config: config, engine: ReliabilityFixture.engine())
        XCTAssertNotNil(first)
        first = nil
        XCTAssertNoThrow(try Trainer(config: config, engine: ReliabilityFixture.engine()))
    }
}
