import Foundation
import XCTest
@testable import DLTrainKit

/// Data errors at the start of training name the config key, the folder and what it should match.
final class DataErrorMessageTests: XCTestCase {
    private func config(_ transform: (String) -> String) throws -> (Config, data: URL) {
        let data = try ReliabilityFixture.makeData()
        let text = ReliabilityFixture.configText(data: data, output: ReliabilityFixture.makeOutput())
        return (try Config(jsonData: Data(transform(text).utf8)), data)
    }

    func testAValidationFolderMissingAClassNamesTheKeyAndTheTrainingClasses() throws {
        let validation = TemporaryFolders.path("dltrain-validation")
        let data = try ReliabilityFixture.makeData()
        let classes = try FileManager.default.contentsOfDirectory(atPath: data.path).sorted()
        try FileManager.default.createDirectory(at: validation, withIntermediateDirectories: true)
        for name in classes.dropLast() {
            try FileManager.default.copyItem(at: data.appendingPathComponent(name),
                                             to: validation.appendingPathComponent(name))
        }
        let text = ReliabilityFixture.configText(data: data, output: ReliabilityFixture.makeOutput())
            .replacingOccurrences(of: #""validation_split": 0.2"#, with: #""validation": "\#(validation.path)""#)
        XCTAssertThrowsError(try Trainer(config: Config(jsonData: Data(text.utf8)),
                                         engine: ReliabilityFixture.engine())) { error in
            XCTAssertEqual("\(error)", "the class folders in data.validation (\(validation.path)) do not match "
                           + "data.train's classes; missing: \(classes.last ?? "")")
        }
    }

    func testAClassCountTheLastLayerDoesNotOutputNamesTheLayer() throws {
        let (wrong, data) = try config { $0.replacingOccurrences(of: #""units": 3"#, with: #""units": 4"#) }
        XCTAssertThrowsError(try Trainer(config: wrong, engine: ReliabilityFixture.engine())) { error in
            XCTAssertEqual("\(error)", "data.train (\(data.path)): 3 class folders, but the network's last layer, "
                           + "network[5], outputs 4 logits")
        }
    }
}
