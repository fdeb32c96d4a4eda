import DLTrainKit
import Foundation
import XCTest

/// SIGKILL at seeded random moments: afterwards every `.safetensors` file in the checkpoint folder loads, the
/// only other files are hidden temporaries no one can take for a checkpoint, and `--resume last` works.
final class CrashSafetyTests: XCTestCase {
    static let trials = 20

    static let config = """
        {
          "name": "crash",
          "data": { "train": "data", "validation_split": 0.2, "input": { "width": 12, "height": 12, "channels": 1 } },
          "network": [
            { "type": "conv", "filters": 4, "size": 3, "padding": 1, "activation": "relu" },
            { "type": "maxpool", "size": 2 },
            { "type": "dense", "units": 256, "activation": "relu" },
            { "type": "dense", "units": 3 }
          ],
          "training": { "epochs": 1000, "batch_size": 8, "seed": 2,
                        "optimizer": { "type": "sgd", "learning_rate": 0.05, "momentum": 0.9 } },
          "output": { "keep_last": 2 }
        }
        """

    func testKilledRunsLeaveOnlyLoadableCheckpointsAndResume() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dltrain-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try SyntheticImages.write(to: directory.appendingPathComponent("data"), perClass: 20, size: 12, seed: 4)
        try Data(Self.config.utf8).write(to: directory.appendingPathComponent("config.json"))

        var random = SeededRandom(seed: 2026)
        var resumed = 0
        for trial in 0..<Self.trials {
            let output = "run-\(trial)"
            let folder = CheckpointDirectory(runDirectory: directory.appendingPathComponent(output))
            let run = try BinaryRunner.Background(["train", "config.json", "--output", output, "--threads", "1"],
                                                  in: directory)
            // Wait for the first checkpoint, then kill after a further 0–400 ms: mid-step, mid-validation or
            // mid-write, wherever it falls.
            XCTAssertTrue(run.wait { FileManager.default.fileExists(atPath: folder.lastURL.path) }, "trial \(trial)")
            usleep(UInt32(random.next() % 400_000))
            run.send(SIGKILL)
            let killed = run.finish()
            XCTAssertEqual(killed.status, SIGKILL, "trial \(trial): \(killed.standardError)")

            for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path) {
                let url = folder.url.appendingPathComponent(name)
                if name.hasSuffix(".safetensors") {
                    XCTAssertNoThrow(try Checkpoint.load(from: url), "trial \(trial): \(name)")
                } else {
                    XCTAssertTrue(name.hasPrefix(".") && name.contains(".tmp-"), "trial \(trial): stray \(name)")
                }
            }
            let last = try Checkpoint.load(from: folder.lastURL)
            let next = last.metadata.epoch + 1
            let resume = try BinaryRunner.run(["train", "config.json", "--output", output, "--threads", "1",
                                               "--resume", folder.lastURL.path, "--epochs", String(next)],
                                              in: directory)
            XCTAssertEqual(resume.status, 0, "trial \(trial): \(resume.standardError)")
            XCTAssertEqual(try Checkpoint.load(from: folder.lastURL).metadata.epoch, next, "trial \(trial)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".tmp-") }
            XCTAssertEqual(leftovers, [], "trial \(trial): the resumed run removes a killed writer's temporaries")
            resumed += 1
        }
        XCTAssertEqual(resumed, Self.trials)
    }
}
