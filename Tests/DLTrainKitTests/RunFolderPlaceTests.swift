import Foundation
import XCTest
@testable import DLTrainKit

/// Where a run may not go: a folder of other files, or a data folder.
final class RunFolderPlaceTests: XCTestCase {
    func testAFolderOfOtherFilesOrADataFolderIsRefused() throws {
        let data = try ReliabilityFixture.makeData()
        let others = TemporaryFolders.path("dltrain-others")
        try FileManager.default.createDirectory(at: others, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: others.appendingPathComponent("notes.txt"))
        let intoOthers = try ReliabilityFixture.config(data: data, output: others)
        XCTAssertThrowsError(try Trainer(config: intoOthers, engine: ReliabilityFixture.engine())) { error in
            XCTAssertEqual("\(error)", "cannot write the run folder \(others.path): it holds other files (notes.txt) "
                           + "and no run; a run folder must be new, empty, or an earlier run's")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: others.appendingPathComponent("checkpoints").path))
        // Hidden files alone leave a folder free for a run.
        let hidden = TemporaryFolders.path("dltrain-hidden")
        try FileManager.default.createDirectory(at: hidden.appendingPathComponent(".ipynb_checkpoints"),
                                                withIntermediateDirectories: true)
        XCTAssertNoThrow(try Trainer(config: try ReliabilityFixture.config(data: data, output: hidden),
                                     engine: ReliabilityFixture.engine()))
        let inside = data.appendingPathComponent("runs/x")
        let intoData = try ReliabilityFixture.config(data: data, output: inside)
        XCTAssertThrowsError(try Trainer(config: intoData, engine: ReliabilityFixture.engine())) { error in
            XCTAssertEqual("\(error)", "cannot write the run folder \(inside.path): it is inside data.train "
                           + "(\(data.path)), where it would be read as part of the data")
        }
        // An earlier run's folder with a file of the user's beside it is still a run folder.
        let output = ReliabilityFixture.makeOutput()
        try Trainer(config: try ReliabilityFixture.config(data: data, output: output, epochs: 1),
                    engine: ReliabilityFixture.engine()).run()
        try Data("mine".utf8).write(to: output.appendingPathComponent("notes.txt"))
        XCTAssertNoThrow(try Trainer(config: try ReliabilityFixture.config(data: data, output: output),
                                     engine: ReliabilityFixture.engine(), options: Trainer.Options(overwrite: true)))
    }
}
