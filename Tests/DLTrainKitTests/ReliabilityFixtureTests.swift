import CPUEngine
import Engine
import Foundation
import ImageIO
@testable import DLTrainKit

/// A tiny training run for reliability tests: three classes of 8×8 gray PNGs (bars and squares over noise) and
/// a small net with batch norm, dropout and momentum SGD, so every kind of saved state is exercised.
enum ReliabilityFixture {
    static let classNames = ["horizontal", "square", "vertical"]

    /// Writes `perClass` images per class under a fresh folder and returns it.
    static func makeData(perClass: Int = 10, size: Int = 8, seed: UInt64 = 7) throws -> URL {
        let root = try DataFolderFixture.makeRoot()
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for (label, name) in classNames.enumerated() {
            var files: [(String, Data)] = []
            for index in 0..<perClass {
                var pixels = (0..<(size * size)).map { _ in UInt8(next() % 50) }
                let at = next() % (size - 2)
                for y in 0..<size {
                    for x in 0..<size {
                        let on = [(at...at + 1).contains(y), (at...at + 2).contains(x) && (at...at + 2).contains(y),
                                  (at...at + 1).contains(x)][label]
                        if on { pixels[y * size + x] = 220 }
                    }
                }
                let image = Image(width: size, height: size, channels: 1, pixels: pixels)
                files.append((String(format: "%03d.png", index), try ImageEncoder.png(image)))
            }
            try DataFolderFixture.write(files, to: name, in: root)
        }
        return root
    }

    /// The config JSON of a run on `data` writing to `output`; `training` and `data` add members to those
    /// sections (e.g. `"on_nonfinite": "skip"`).
    static func configText(data: URL, output: URL, epochs: Int = 2, learningRate: Double = 0.05,
                           training: String = "", dataExtra: String = "") -> String {
        """
        {
          "name": "tiny",
          "data": { "train": "\(data.path)", "validation_split": 0.2, "workers": 2,
                    "input": { "width": 8, "height": 8, "channels": 1 }\(dataExtra) },
          "network": [
            { "type": "conv", "filters": 4, "size": 3, "padding": 1, "activation": "relu" },
            { "type": "batchnorm" },
            { "type": "maxpool", "size": 2 },
            { "type": "dense", "units": 8, "activation": "relu" },
            { "type": "dropout", "rate": 0.25 },
            { "type": "dense", "units": 3 }
          ],
          "training": { "epochs": \(epochs), "batch_size": 5, "seed": 5,
                        "optimizer": { "type": "sgd", "learning_rate": \(learningRate), "momentum": 0.9 }\(training) },
          "output": { "directory": "\(output.path)", "keep_last": 2 }
        }
        """
    }

    /// The parsed config of `configText`.
    static func config(data: URL, output: URL, epochs: Int = 2, learningRate: Double = 0.05,
                       training: String = "", dataExtra: String = "") throws -> Config {
        try Config(jsonData: Data(configText(data: data, output: output, epochs: epochs, learningRate: learningRate,
                                             training: training, dataExtra: dataExtra).utf8))
    }

    /// A fresh, not yet created run folder, removed when the tests exit.
    static func makeOutput() -> URL { TemporaryFolders.path("dltrain-run") }

    /// The CPU engine with a fixed thread count, so results are bitwise reproducible.
    static func engine() -> ComputeEngine { CPUEngine(threads: 2) }

    /// Every tensor of a checkpoint file, by name.
    static func tensors(_ url: URL) throws -> [String: [Float]] {
        let file = try SafeTensorsFile.read(from: url)
        return Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0.values) })
    }
}

/// Records what a run reports.
final class RecordingObserver: TrainingObserver {
    var warnings: [String] = []
    var epochs: [EpochMetrics] = []
    var steps: [StepProgress] = []
    /// Runs after each step with the number of steps reported so far.
    var onStep: ((Int) throws -> Void)?
    var onEpoch: ((EpochMetrics) throws -> Void)?

    func trainingWillStart(_ start: TrainingStart) {}
    func stepDidFinish(_ progress: StepProgress) {
        steps.append(progress)
        try? onStep?(steps.count)
    }
    func epochDidFinish(_ metrics: EpochMetrics, isBest: Bool) {
        epochs.append(metrics)
        try? onEpoch?(metrics)
    }
    func trainingDidWarn(_ message: String) { warnings.append(message) }
}
