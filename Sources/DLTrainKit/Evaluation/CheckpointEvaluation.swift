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
        // The checkpoint's own folders are as its config wrote them: a relative one is relative to where it trained.
        func advice(_ path: String) -> String {
            (path.hasPrefix("/") ? "; " : "; run from the folder it trained in, or ")
                + "name a labelled folder with --data"
        }
        if let folder = dataFolder {
            self.dataFolder = folder
            dataset = try ImageFolderDataset(configured: folder, key: "--data", classNames: classNames,
                                             classesOf: "the checkpoint's")
        } else if let folder = config.data.validation {
            self.dataFolder = folder
            dataset = try ImageFolderDataset(configured: folder, key: "the checkpoint's data.validation",
                                             classNames: classNames, classesOf: "the checkpoint's",
                                             advice: advice(folder))
        } else if let fraction = config.data.validationSplit {
            self.dataFolder = "\(config.data.train) (validation split \(fraction))"
            dataset = try ImageFolderDataset(configured: config.data.train, key: "the checkpoint's data.train",
                                             classNames: classNames, classesOf: "the checkpoint's",
                                             advice: advice(config.data.train))
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
