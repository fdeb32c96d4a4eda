import Foundation
import ImageIO
import XCTest
@testable import DLTrainKit

/// Junk in the image folders: every kind is named with its reason, skipped and counted under
/// `on_bad_image: "skip"`, and stops the run with the file's name under `"fail"`.
final class ReliabilityBadImageTests: XCTestCase {
    /// One bad file of each kind, with a phrase its error must contain.
    static func badFiles() throws -> [(name: String, data: Data, reason: String)] {
        let picture = Image(width: 8, height: 8, channels: 3, pixels: (0..<192).map { UInt8($0) })
        let png = try ImageEncoder.png(picture)
        let jpeg = try ImageEncoder.jpeg(picture)
        var corruptJPEG = [UInt8](jpeg)
        for index in 3..<40 { corruptJPEG[index] = 0x5A }
        let cmyk = try ImageEncoder.jpeg(Image(width: 8, height: 8, channels: 4, pixels: [UInt8](repeating: 90, count: 256)))
        return [
            ("truncated.png", png.prefix(png.count / 2), "truncated"),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), "truncated"),
            ("corrupt.jpg", Data(corruptJPEG), "corrupt"),
            ("zero.png", Data(), "empty"),
            ("text.png", Data("just some notes, not pixels\n".utf8), "not an image"),
            ("animation.png", Data("GIF89a".utf8) + Data(count: 40), "GIF images are not supported"),
            ("bitmap.jpg", Data("BM".utf8) + Data(count: 60), "BMP images are not supported"),
            ("photo.png", Data("RIFF".utf8) + Data([40, 0, 0, 0]) + Data("WEBPVP8 ".utf8) + Data(count: 30),
             "WebP images are not supported"),
            ("print.jpg", cmyk, "CMYK"),
            ("huge.jpg", try hugeJPEG(), "more than the limit"),
        ]
    }

    /// A valid JPEG whose frame header claims 60000×60000 pixels.
    static func hugeJPEG() throws -> Data {
        var bytes = [UInt8](try ImageEncoder.jpeg(Image(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 7, count: 64))))
        let frame = try XCTUnwrap((0..<bytes.count - 9).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        for offset in [frame + 5, frame + 7] { bytes[offset] = 0xEA; bytes[offset + 1] = 0x60 }
        return Data(bytes)
    }

    func testEveryKindOfBadImageIsSkippedNamedOnceAndCountedPerEpoch() throws {
        let data = try ReliabilityFixture.makeData()
        let bad = try Self.badFiles()
        try DataFolderFixture.write(bad.map { ($0.name, $0.data) }, to: "square", in: data)
        let big = try ImageEncoder.png(Image(width: 80, height: 80, channels: 1, pixels: [UInt8](repeating: 3, count: 6400)))
        try DataFolderFixture.write([("big.png", big)], to: "vertical", in: data)
        let output = ReliabilityFixture.makeOutput()
        let config = try ReliabilityFixture.config(data: data, output: output, epochs: 2,
                                                   dataExtra: #", "on_bad_image": "skip", "max_pixels": 4096"#)
        let observer = RecordingObserver()
        try Trainer(config: config, engine: ReliabilityFixture.engine()).run(observer: observer)

        let expected = bad.map { ($0.name, $0.reason) } + [("big.png", "more than the limit of 4096 pixels")]
        XCTAssertEqual(observer.warnings.count, expected.count, "\(observer.warnings)")
        let log = try String(contentsOf: output.appendingPathComponent("train.log"), encoding: .utf8)
        for (name, reason) in expected {
            let warnings = observer.warnings.filter { $0.contains("/\(name):") }
            XCTAssertEqual(warnings.count, 1, "\(name) reported once: \(observer.warnings)")
            XCTAssertTrue(warnings.first?.contains(reason) == true, "\(name): \(warnings)")
            XCTAssertEqual(log.components(separatedBy: "/\(name):").count - 1, 1, "\(name) logged once")
        }
        XCTAssertEqual(observer.epochs.map(\.skippedImages), [expected.count, expected.count])
        for metrics in observer.epochs {
            XCTAssertTrue(log.contains(metrics.summary + "  step \(metrics.step)"),
                          "epoch \(metrics.epoch) logged: \(log)")
            XCTAssertTrue(metrics.summary.hasSuffix("skipped \(expected.count) bad images"), metrics.summary)
        }
        let csv = try String(contentsOf: output.appendingPathComponent("metrics.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix(EpochMetrics.csvHeader))
        XCTAssertTrue(csv.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",\(expected.count),0") }, csv)
    }

    func testFailPolicyStopsAtTheFirstBadImageNamingFileAndReason() throws {
        let data = try ReliabilityFixture.makeData()
        try DataFolderFixture.write([("zero.png", Data())], to: "vertical", in: data)
        let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput())
        XCTAssertThrowsError(try Trainer(config: config, engine: ReliabilityFixture.engine()).run()) { error in
            guard case TrainingError.badImage(let imageError) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(imageError.reason, .empty)
            XCTAssertTrue(imageError.file.hasSuffix("vertical/zero.png"))
            XCTAssertTrue("\(error)".contains("--skip-bad-images"), "\(error)")
        }
    }

    func testSkipBadImagesOptionOverridesTheConfig() throws {
        let data = try ReliabilityFixture.makeData()
        try DataFolderFixture.write([("zero.png", Data())], to: "vertical", in: data)
        let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(), epochs: 1)
        let observer = RecordingObserver()
        let trainer = try Trainer(config: config, engine: ReliabilityFixture.engine(),
                                  options: .init(skipBadImages: true))
        try trainer.run(observer: observer)
        XCTAssertEqual(trainer.config.data.onBadImage, .skip)
        XCTAssertEqual(observer.epochs.map(\.skippedImages), [1])
    }

    func testAClassWhoseEveryImageIsBadIsAnErrorNamingIt() throws {
        let data = try ReliabilityFixture.makeData()
        let square = data.appendingPathComponent("square")
        try FileManager.default.removeItem(at: square)
        try DataFolderFixture.write([("a.png", Data()), ("b.png", Data("text".utf8)), ("c.jpg", Data([0xFF]))],
                                    to: "square", in: data)
        let config = try ReliabilityFixture.config(data: data, output: ReliabilityFixture.makeOutput(),
                                                   dataExtra: #", "on_bad_image": "skip""#)
        XCTAssertThrowsError(try Trainer(config: config, engine: ReliabilityFixture.engine()).run()) { error in
            XCTAssertTrue("\(error)".contains("class \"square\" has no usable images"), "\(error)")
            XCTAssertTrue("\(error)".contains(square.path), "\(error)")
        }
    }
}
