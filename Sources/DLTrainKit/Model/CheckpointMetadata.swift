import Foundation

/// What a dltrain checkpoint records besides tensors, stored as safetensors `__metadata__` strings.
public struct CheckpointMetadata: Sendable, Equatable {
    /// The format tag every dltrain checkpoint carries.
    static let format = "dltrain-checkpoint/1"

    /// The resolved config JSON the model was built from.
    public var configJSON: Data
    /// Class names in label order.
    public var classNames: [String]
    /// Epochs completed.
    public var epoch: Int
    /// Optimizer steps completed (the schedule and dropout seeds continue from it).
    public var step: Int
    /// The best validation accuracy seen so far in the run (for `best` bookkeeping on resume).
    public var bestValidationAccuracy: Double?
    /// The metrics of the epoch this checkpoint closes.
    public var metrics: EpochMetrics?
    /// The engine that wrote it.
    public var device: String
    /// For a checkpoint written mid-epoch (`interrupted`): how far epoch `epoch + 1` got.
    public var progress: EpochProgress?

    /// The `__metadata__` dictionary.
    var strings: [String: String] {
        var strings = [
            "format": Self.format,
            "dltrain_version": DLTrainVersion.current,
            "config": String(decoding: configJSON, as: UTF8.self),
            "class_names": Self.json(classNames),
            "epoch": String(epoch),
            "step": String(step),
            "device": device,
        ]
        if let bestValidationAccuracy { strings["best_validation_accuracy"] = String(bestValidationAccuracy) }
        if let metrics { strings["metrics"] = Self.json(metrics) }
        if let progress { strings["epoch_progress"] = Self.json(progress) }
        return strings
    }

    /// Parses the `__metadata__` of a dltrain checkpoint, naming the file and key on failure.
    init(strings: [String: String], file: String) throws {
        func require(_ key: String) throws -> String {
            guard let value = strings[key] else {
                throw CheckpointError(file: file, "not a dltrain checkpoint: metadata key \"\(key)\" is missing")
            }
            return value
        }
        guard try require("format") == Self.format else {
            throw CheckpointError(file: file, "unsupported checkpoint format \"\(strings["format"] ?? "")\"")
        }
        configJSON = Data(try require("config").utf8)
        guard let names = try? JSONDecoder().decode([String].self, from: Data(try require("class_names").utf8)),
              !names.isEmpty else {
            throw CheckpointError(file: file, "metadata \"class_names\" is not a list of names")
        }
        classNames = names
        guard let epoch = Int(try require("epoch")), epoch >= 0, let step = Int(try require("step")), step >= 0 else {
            throw CheckpointError(file: file, "metadata \"epoch\" and \"step\" must be non-negative integers")
        }
        self.epoch = epoch
        self.step = step
        bestValidationAccuracy = strings["best_validation_accuracy"].flatMap(Double.init)
        metrics = strings["metrics"].flatMap { try? JSONDecoder().decode(EpochMetrics.self, from: Data($0.utf8)) }
        device = strings["device"] ?? "unknown"
        if let text = strings["epoch_progress"] {
            guard let progress = try? JSONDecoder().decode(EpochProgress.self, from: Data(text.utf8)),
                  progress.batches >= 0, progress.batches <= progress.batchCount, progress.seen >= 0,
                  progress.correct >= 0, progress.correct <= progress.seen else {
                throw CheckpointError(file: file, "metadata \"epoch_progress\" is not a valid epoch position")
            }
            self.progress = progress
        }
    }

    /// Creates metadata for a checkpoint about to be written.
    init(configJSON: Data, classNames: [String], epoch: Int, step: Int, bestValidationAccuracy: Double?,
         metrics: EpochMetrics?, device: String, progress: EpochProgress? = nil) {
        self.configJSON = configJSON
        self.classNames = classNames
        self.epoch = epoch
        self.step = step
        self.bestValidationAccuracy = bestValidationAccuracy
        self.metrics = metrics
        self.device = device
        self.progress = progress
    }

    private static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
