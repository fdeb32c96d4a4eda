import Foundation
import ImageIO

/// Turns a dataset into batches of normalised NCHW floats, decoding on background threads.
///
/// Training epochs visit the samples in an order shuffled from `(seed, epoch)` and augment each image with
/// random numbers drawn from `(seed, epoch, sample index)`, so the batches do not depend on thread timing or the
/// number of workers. Evaluation epochs keep the dataset order and do not augment. Resized images are cached as
/// bytes within `cacheLimitBytes`, so later epochs skip decoding.
public final class BatchLoader: Sendable {
    /// One batch: `count` images `[count, channels, height, width]` and their class indices.
    public struct Batch: Sendable {
        /// Normalised pixels, NCHW.
        public let images: [Float]
        /// Class index of each image, as floats.
        public let labels: [Float]
        /// Images in this batch (the last batch of an epoch may be short).
        public let count: Int
        /// Positions in the dataset's `samples`, e.g. to name misclassified files.
        public let sampleIndices: [Int]
        /// The batch's position in its epoch, from 0.
        public let index: Int
        /// Undecodable images left out of this batch (`on_bad_image: "skip"`).
        public let skipped: Int
    }

    /// The images, in dataset order.
    public let samples: [ImageFolderDataset.Sample]
    /// Images per full batch.
    public let batchSize: Int
    /// Decoding, normalisation and augmentation settings.
    public let options: LoaderOptions
    /// The seed of shuffling and augmentation.
    public let seed: UInt64
    let cache: ImageCache
    let normalization: [Float]
    /// Images found undecodable under `on_bad_image: "skip"`.
    let badImages: BadImageLog

    /// A loader over `dataset`; throws `DatasetError.invalidLoaderOption` for bad options.
    public init(dataset: ImageFolderDataset, batchSize: Int, options: LoaderOptions, seed: UInt64) throws {
        try options.validate()
        guard batchSize >= 1 else { throw DatasetError.invalidLoaderOption("batch size must be at least 1") }
        samples = dataset.samples
        self.batchSize = batchSize
        self.options = options
        self.seed = seed
        cache = ImageCache(sampleCount: samples.count, bytesPerImage: options.bytesPerImage,
                           limitBytes: options.cacheLimitBytes)
        normalization = options.normalizationTable()
        badImages = BadImageLog(imagesPerClass: dataset.classCounts)
    }

    /// Batches per epoch, counting a last partial batch.
    public var batchCount: Int { (samples.count + batchSize - 1) / batchSize }

    /// Starts preparing epoch `epoch` from batch `firstBatch` on (the order does not depend on where it starts,
    /// so a resumed epoch continues exactly); read it with `next()`. Dropping the result stops its workers.
    public func batches(epoch: Int, training: Bool, from firstBatch: Int = 0) -> Epoch {
        var order = Array(samples.indices)
        if training {
            var random = DataRandom(seed, 0x5348_5546, UInt64(truncatingIfNeeded: epoch))
            random.shuffle(&order)
        }
        return Epoch(loader: self, order: order, epoch: epoch, training: training, firstBatch: firstBatch)
    }

    /// Cache and decode counters so far.
    public var statistics: LoaderStatistics { cache.statistics }

    /// The undecodable images skipped since the last call, each reported once per loader.
    public func takeSkippedImageErrors() -> [ImageError] { badImages.takeUnreported() }

    /// How many images of the dataset are known to be undecodable so far.
    public var badImageCount: Int { badImages.count }
}
