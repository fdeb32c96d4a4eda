import Engine
import Foundation

/// Evaluates a checkpoint on a labelled folder: the checkpoint's validation data unless another is named.
public struct CheckpointEvaluation {
    /// The loaded checkpoint.
    public let checkpoint: Checkpoint
    /// The folder evaluated (for `validation_split` configs: the split's validation part of `data.train`).
    public let dataFolder: String

    private let network: Network
    private let dataset: ImageFolderDataset

    /// Loads the checkpoint onto `engine` and indexes the data, requiring the checkpoint's classes.
    public init(checkpoint url: URL, dataFolder: String?, engine: ComputeEngine) throws {
        checkpoint = try Checkpoint.load(from: url)
        let config = checkpoint.config
        let classNames = checkpoint.metadata.classNames
        if let folder = dataFolder ?? config.data.validation {
            self.dataFolder = folder
            dataset = try ImageFolderDataset(root: URL(fileURLWithPath: folder), classNames: classNames)
        } else if let fraction = config.data.validationSplit {
            self.dataFolder = "\(config.data.train) (validation split \(fraction))"
            dataset = try ImageFolderDataset(root: URL(fileURLWithPath: config.data.train), classNames: classNames)
                .split(validationFraction: fraction, seed: UInt64(config.training.seed)).validation
        } else {
            throw TrainingError.emptyDataset(
                "the checkpoint's config has no validation data; name a labelled folder with --data")
        }
        network = try checkpoint.makeNetwork(on: engine, path: url.path)
    }

    /// Runs the whole folder through the network in evaluation mode.
    public func run() throws -> ClassificationMetrics {
        let config = checkpoint.config
        let loader = try BatchLoader(dataset: dataset, batchSize: config.training.batchSize,
                                     options: LoaderOptions(config: config.data),
                                     seed: UInt64(config.training.seed))
        return try Evaluator.evaluate(network, loader: loader, classNames: checkpoint.metadata.classNames)
    }
}
