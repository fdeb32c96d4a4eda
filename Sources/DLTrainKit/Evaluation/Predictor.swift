import Engine
import Foundation
import ImageIO

/// Classifies image files with a checkpoint, preprocessing them exactly as evaluation does.
public struct Predictor {
    /// One class and its softmax probability.
    public struct Entry: Equatable, Sendable {
        public var className: String
        public var probability: Double
    }

    private let checkpoint: Checkpoint
    private let network: Network

    /// Loads the checkpoint onto `engine`.
    public init(checkpoint url: URL, engine: ComputeEngine) throws {
        checkpoint = try Checkpoint.load(from: url)
        network = try checkpoint.makeNetwork(on: engine, path: url.path)
    }

    /// The `top` most probable classes of each image, most probable first, or why the image could not be read: a
    /// bad file fails alone (the files are then classified one by one), the others are still answered in order.
    public func predict(_ images: [URL], top: Int) throws -> [Result<[Entry], ImageError>] {
        do {
            return try rankings(images, top: top).map { .success($0) }
        } catch is ImageError {
            return try images.map { url in
                do {
                    return .success(try rankings([url], top: top)[0])
                } catch let error as ImageError {
                    return .failure(error)
                }
            }
        }
    }

    /// The `top` most probable classes of each image, in one pass of batches; any bad file is an error naming it.
    private func rankings(_ images: [URL], top: Int) throws -> [[Entry]] {
        let classNames = checkpoint.metadata.classNames
        let dataset = ImageFolderDataset(
            root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), classNames: classNames,
            samples: images.map { ImageFolderDataset.Sample(url: $0, label: 0) })
        let config = checkpoint.config
        var options = LoaderOptions(config: config.data)
        options.onBadImage = .fail  // one result per named file, in order: a bad file is an error naming it
        let loader = try BatchLoader(dataset: dataset, batchSize: config.training.batchSize, options: options,
                                     seed: 0)
        var results: [[Entry]] = []
        let epoch = loader.batches(epoch: 0, training: false)
        while let batch = try epoch.next() {
            let logits = try network.predict(images: batch.images, batch: batch.count)
            for row in 0..<batch.count {
                let probabilities = Self.softmax(logits[(row * classNames.count)..<((row + 1) * classNames.count)])
                results.append(probabilities.enumerated()
                    .sorted { $0.element > $1.element }
                    .prefix(top)
                    .map { Entry(className: classNames[$0.offset], probability: $0.element) })
            }
        }
        return results
    }

    private static func softmax(_ logits: ArraySlice<Float>) -> [Double] {
        let maximum = Double(logits.max() ?? 0)
        let exponentials = logits.map { exp(Double($0) - maximum) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}
