import DLTrainKit
import Foundation
import XCTest

/// Bad input through the real binary: a non-zero exit and one line on stderr (no stack trace); bad images
/// skipped with `--skip-bad-images`; SIGINT writes an `interrupted` checkpoint, exits 130 and resumes.
final class ReliabilityCLITests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dltrain-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SyntheticImages.write(to: directory.appendingPathComponent("data"), perClass: 20, size: 12, seed: 5)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func config(epochs: Int = 2, extraTraining: String = "") -> String {
        """
        {
          "name": "cli",
          "data": { "train": "data", "validation_split": 0.2, "input": { "width": 12, "height": 12, "channels": 1 } },
          "network": [
            { "type": "conv", "filters": 4, "size": 3, "padding": 1, "activation": "relu" },
            { "type": "maxpool", "size": 2 },
            { "type": "dense", "units": 3 }
          ],
          "training": { "epochs": \(epochs), "batch_size": 8, "seed": 2, "log_every_steps": 1\(extraTraining),
                        "optimizer": { "type": "sgd", "learning_rate": 0.05, "momentum": 0.9 } },
          "output": { "directory": "run" }
        }
        """
    }

    /// Asserts a failed run: non-zero status, exactly one non-empty line on stderr, no crash report.
    private func assertOneLineFailure(_ result: BinaryRunner.Result, containing phrase: String,
                                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, file: file, line: line)
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, result.standardError, file: file, line: line)
        XCTAssertTrue(result.standardError.contains(phrase), result.standardError, file: file, line: line)
        for marker in ["Fatal error", "Stack trace", "crashed", "Backtrace", "0x0000"] {
            XCTAssertFalse(result.standardError.contains(marker), result.standardError, file: file, line: line)
        }
    }

    func testBadConfigsExitWithOneLine() throws {
        let good = Self.config()
        let cases: [(String, Data, String)] = [
            ("not-utf8", Data(good.utf8.prefix(40)) + Data([0xFF, 0xFE]) + Data(good.utf8.dropFirst(40)), "UTF-8"),
            ("deep", Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8),
             "nesting deeper"),
            ("wrong-type", Data(good.replacingOccurrences(of: "\"epochs\": 2", with: "\"epochs\": \"two\"").utf8),
             "training.epochs"),
            ("negative", Data(good.replacingOccurrences(of: "\"filters\": 4", with: "\"filters\": -4").utf8),
             "network[0].filters"),
            ("huge", Data(good.replacingOccurrences(of: "\"units\": 3", with: "\"units\": 1e300").utf8),
             "network[2].units"),
            ("unknown-key", Data(good.replacingOccurrences(of: "\"seed\"", with: "\"sead\"").utf8), "did you mean"),
            ("missing-key", Data(good.replacingOccurrences(of: "\"batch_size\": 8,", with: "").utf8), "batch_size"),
            ("zero-size", Data(good.replacingOccurrences(of: "\"size\": 3, \"padding\": 1", with: "\"size\": 13").utf8),
             "network[0]"),
        ]
        for (name, bytes, phrase) in cases {
            try bytes.write(to: directory.appendingPathComponent("\(name).json"))
            let result = try BinaryRunner.run(["train", "\(name).json"], in: directory)
            assertOneLineFailure(result, containing: phrase)
            XCTAssertTrue(result.standardError.contains("\(name).json"), "\(name): \(result.standardError)")
        }
    }

    func testHostileCheckpointsExitWithOneLineFromEvalAndResume() throws {
        try Data(Self.config().utf8).write(to: directory.appendingPathComponent("config.json"))
        let cases: [(String, Data, String)] = [
            ("empty", Data(), "not a safetensors file"),
            ("garbage", Data("this is no checkpoint at all".utf8), "over the limit"),
            ("huge-header", Data([0, 0, 0, 0, 0, 0, 0, 0x7F]) + Data(count: 64), "over the limit"),
            ("wrong-dtype", Self.safetensors(#"{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, dataBytes: 8), "F64"),
            ("overlap", Self.safetensors(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                                         dataBytes: 12), "overlaps"),
        ]
        for (name, bytes, phrase) in cases {
            try bytes.write(to: directory.appendingPathComponent("\(name).safetensors"))
            assertOneLineFailure(try BinaryRunner.run(["eval", "\(name).safetensors", "--data", "data"], in: directory),
                                 containing: phrase)
            assertOneLineFailure(try BinaryRunner.run(["train", "config.json", "--resume", "\(name).safetensors"],
                                                      in: directory), containing: phrase)
        }
    }

    /// A safetensors file with the given header and `dataBytes` zero bytes of data.
    private static func safetensors(_ header: String, dataBytes: Int) -> Data {
        let text = Data(header.utf8)
        return Data((0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) }) + text + Data(count: dataBytes)
    }

    func testABadImageFailsTheRunUnlessSkipped() throws {
        try Data(Self.config().utf8).write(to: directory.appendingPathComponent("config.json"))
        try Data("notes".utf8).write(to: directory.appendingPathComponent("data/square/notes.png"))
        assertOneLineFailure(try BinaryRunner.run(["train", "config.json"], in: directory),
                             containing: "data/square/notes.png: not an image")
        let skipped = try BinaryRunner.run(["train", "config.json", "--skip-bad-images"], in: directory)
        XCTAssertEqual(skipped.status, 0, skipped.standardError)
        let (output, warnings) = (skipped.standardOutput, skipped.standardError)
        XCTAssertEqual(warnings.components(separatedBy: "warning: skipped bad image").count - 1, 1, warnings)
        XCTAssertTrue(warnings.contains("notes.png: not an image"), warnings)
        XCTAssertFalse(output.contains("warning:"), "warnings go to standard error: \(output)")
        XCTAssertTrue(output.contains("skipped 1 bad images"), output)
    }

    func testSIGINTWritesAnInterruptedCheckpointExits130AndResumes() throws {
        try Data(Self.config(epochs: 1000).utf8).write(to: directory.appendingPathComponent("config.json"))
        let folder = CheckpointDirectory(runDirectory: directory.appendingPathComponent("run"))
        let run = try BinaryRunner.Background(["train", "config.json", "--threads", "1"], in: directory)
        XCTAssertTrue(run.wait { FileManager.default.fileExists(atPath: folder.lastURL.path) })
        run.send(SIGINT)
        let result = run.finish()
        XCTAssertEqual(result.status, 130, result.standardError)
        XCTAssertTrue(result.standardError.contains("stopping after this step"), result.standardError)
        let command = try XCTUnwrap(result.standardOutput.split(separator: "\n")
            .first { $0.hasPrefix("resume with: dltrain ") }).dropFirst("resume with: dltrain ".count)
        XCTAssertEqual(command, "train config.json --resume \(folder.interruptedURL.path) --threads 1")
        let interrupted = try Checkpoint.load(from: folder.interruptedURL)
        let epochs = String(interrupted.metadata.epoch + 2)
        let resumed = try BinaryRunner.run(["train", "config.json", "--resume", folder.interruptedURL.path,
                                            "--threads", "1", "--epochs", epochs], in: directory)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertEqual(try Checkpoint.load(from: folder.lastURL).metadata.epoch, interrupted.metadata.epoch + 2)
    }

    func testASecondSIGINTExitsAtOnce() throws {
        try Data(Self.config(epochs: 1000).utf8).write(to: directory.appendingPathComponent("config.json"))
        let folder = CheckpointDirectory(runDirectory: directory.appendingPathComponent("run"))
        let run = try BinaryRunner.Background(["train", "config.json", "--threads", "1"], in: directory)
        XCTAssertTrue(run.wait { FileManager.default.fileExists(atPath: folder.lastURL.path) })
        run.send(SIGINT)
        run.send(SIGINT)
        let result = run.finish(timeout: 10)
        XCTAssertEqual(result.status, 130, result.standardError)
    }
}
