import Foundation
import XCTest
@testable import DLTrainKit

/// A resume with another recipe is refused, naming each differing key with both values; the settings a resume may
/// change (here `training.epochs` and the output folder) are not among them.
final class ResumeRecipeTests: XCTestCase {
    func testADifferentRecipeIsRefusedNamingTheKeys() throws {
        let data = try ReliabilityFixture.makeData()
        let output = ReliabilityFixture.makeOutput()
        try Trainer(config: try ReliabilityFixture.config(data: data, output: output, epochs: 1),
                    engine: ReliabilityFixture.engine()).run()
        let last = CheckpointDirectory(runDirectory: output).lastURL
        let changed = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 3,
                                                    learningRate: 0.02, training: #", "schedule": {"type": "cosine"}"#)
        XCTAssertThrowsError(try Trainer(config: changed, engine: ReliabilityFixture.engine(),
                                         options: Trainer.Options(resume: last))) { error in
            XCTAssertEqual("\(error)", "\(last.path): the config differs from the one this checkpoint was trained "
                           + "with: training.optimizer.learning_rate is 0.02 here, 0.05 in the checkpoint; "
                           + #"training.schedule.type is "cosine" here, "constant" in the checkpoint; resume "#
                           + "with the run's own config.json (--epochs, --output and the data folders may change)")
        }
        XCTAssertNoThrow(try Trainer(config: try ReliabilityFixture.config(data: data, output: output, epochs: 3),
                                     engine: ReliabilityFixture.engine(), options: Trainer.Options(resume: last)))
    }
}
