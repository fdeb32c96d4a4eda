import Foundation
import XCTest

/// Through the real binary: train on generated images to a set accuracy, then `eval` reproduces the logged
/// validation accuracy and `predict` agrees with it.
final class TrainEvalPredictTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dltrain-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SyntheticImages.write(to: directory.appendingPathComponent("data/train"), perClass: 40, seed: 1)
        try SyntheticImages.write(to: directory.appendingPathComponent("data/validation"), perClass: 15, seed: 2)
        try Data(Self.config.utf8).write(to: directory.appendingPathComponent("config.json"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    static let config = """
        {
          "name": "e2e",
          "data": {
            "train": "data/train", "validation": "data/validation",
            "input": { "width": 16, "height": 16, "channels": 1 },
            "normalize": { "mean": [0.3], "std": [0.3] }
          },
          "network": [
            { "type": "conv", "filters": 8, "size": 3, "padding": 1, "activation": "relu" },
            { "type": "maxpool", "size": 2 },
            { "type": "conv", "filters": 16, "size": 3, "padding": 1 },
            { "type": "batchnorm" },
            { "type": "relu" },
            { "type": "maxpool", "size": 2 },
            { "type": "dense", "units": 32, "activation": "relu" },
            { "type": "dropout", "rate": 0.2 },
            { "type": "dense", "units": 3 }
          ],
          "training": {
            "epochs": 8, "batch_size": 16, "seed": 3,
            "optimizer": { "type": "adam", "learning_rate": 0.003 }
          },
          "output": { "directory": "run", "keep_last": 2 }
        }
        """

    func testTrainThenEvalReproducesValidationAccuracyAndPredictAgrees() throws {
        // --skip-bad-images is saved in the checkpoint's config; predict must still answer for every file it names.
        let train = try BinaryRunner.run(["train", "config.json", "--device", "cpu", "--skip-bad-images"],
                                         in: directory)
        XCTAssertEqual(train.status, 0, train.standardError)
        XCTAssert(train.standardOutput.contains("best checkpoint:"), train.standardOutput)

        let lines = try String(contentsOf: directory.appendingPathComponent("run/metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        let epochs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let accuracies = epochs.map { $0["validation_accuracy"] as! Double }
        let best = accuracies.max()!
        XCTAssertGreaterThanOrEqual(best, 0.9, "validation accuracies \(accuracies)")

        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(
            "run/checkpoints").path).sorted()
        XCTAssertEqual(checkpoints, ["best.safetensors", "epoch-0007.safetensors", "epoch-0008.safetensors",
                                     "last.safetensors"])

        let eval = try BinaryRunner.run(["eval", "run/checkpoints/best.safetensors", "--json"], in: directory)
        XCTAssertEqual(eval.status, 0, eval.standardError)
        let report = try JSONSerialization.jsonObject(with: Data(eval.standardOutput.utf8)) as! [String: Any]
        XCTAssertEqual(report["accuracy"] as! Double, best, accuracy: 1e-12)
        XCTAssertEqual(report["count"] as? Int, 45)
        XCTAssertNil(report["top5_accuracy"], "top-5 needs at least 5 classes")
        let confusion = report["confusion_matrix"] as! [[Int]]
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 45)

        let images = (0..<15).map { index in "data/validation/vertical/\(index).\(index % 5 == 4 ? "jpg" : "png")" }
        let predict = try BinaryRunner.run(["predict", "run/checkpoints/best.safetensors", "--top", "1"] + images,
                                           in: directory)
        XCTAssertEqual(predict.status, 0, predict.standardError)
        let predicted = predict.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  ") }
            .map { $0.split(separator: " ").last.map(String.init) ?? "" }
        XCTAssertEqual(predicted.count, 15)
        let predictedVertical = predicted.filter { $0 == "vertical" }.count
        XCTAssertEqual(predictedVertical, confusion[2][2], "predict and eval disagree on the vertical class")

        try Data("not an image".utf8).write(to: directory.appendingPathComponent("notes.png"))
        let bad = try BinaryRunner.run(["predict", "run/checkpoints/best.safetensors", "--top", "1", "notes.png",
                                        images[0]], in: directory)
        XCTAssertEqual(bad.status, 1, "a bad file fails the command, after the others are answered")
        XCTAssert(bad.standardError.contains("notes.png: not an image"), bad.standardError)
        // The good file is answered as in the full run: no shift from the bad one.
        XCTAssertEqual(bad.standardOutput.split(separator: "\n").map(String.init),
                       predict.standardOutput.split(separator: "\n").prefix(2).map(String.init))
    }

    func testASecondRunNeverReplacesTheFirstRunsCheckpointsUnlessAsked() throws {
        let first = try BinaryRunner.run(["train", "config.json", "--epochs", "1"], in: directory)
        XCTAssertEqual(first.status, 0, first.standardError)
        let best = directory.appendingPathComponent("run/checkpoints/best.safetensors")
        let saved = try Data(contentsOf: best)

        let again = try BinaryRunner.run(["train", "config.json", "--epochs", "1"], in: directory)
        XCTAssertNotEqual(again.status, 0)
        XCTAssert(again.standardError.contains("already holds a run") && again.standardError.contains("--overwrite"),
                  again.standardError)
        XCTAssertEqual(try Data(contentsOf: best), saved, "the refused run must not touch the checkpoints")

        let overwritten = try BinaryRunner.run(["train", "config.json", "--epochs", "1", "--overwrite"],
                                               in: directory)
        XCTAssertEqual(overwritten.status, 0, overwritten.standardError)
        let rows = try String(contentsOf: directory.appendingPathComponent("run/metrics.csv"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(rows.count, 2, "header and one epoch: the old run's metrics are gone")

        let other = try BinaryRunner.run(["train", "config.json", "--epochs", "1", "--output", "other"], in: directory)
        XCTAssertEqual(other.status, 0, other.standardError)
        let intoOther = try BinaryRunner.run(["train", "config.json", "--epochs", "2", "--output", "other",
                                              "--resume", "run/checkpoints/last.safetensors"], in: directory)
        XCTAssertNotEqual(intoOther.status, 0, "resuming one run into another run's folder must be refused")
        XCTAssert(intoOther.standardError.contains("already holds a run"), intoOther.standardError)
        let resumed = try BinaryRunner.run(["train", "config.json", "--epochs", "2",
                                            "--resume", "run/checkpoints/last.safetensors"], in: directory)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
    }

    func testBadConfigFailsWithOneLineNamingThePath() throws {
        let bad = Self.config.replacingOccurrences(of: "\"filters\": 8", with: "\"filter\": 8")
        try Data(bad.utf8).write(to: directory.appendingPathComponent("bad.json"))
        let result = try BinaryRunner.run(["train", "bad.json"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        let message = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssert(message.contains("network[0]") && message.contains("did you mean \"filters\""), message)
    }
}
