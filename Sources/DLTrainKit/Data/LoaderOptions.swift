import Foundation
import ImageIO

/// How `BatchLoader` turns image files into network input.
public struct LoaderOptions: Sendable, Equatable {
    /// Input width in pixels (images are resized and centre-cropped to it).
    public var width: Int
    /// Input height in pixels.
    public var height: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    /// Per-channel mean of pixel values scaled to [0, 1]; one value applies to every channel.
    public var mean: [Float]
    /// Per-channel standard deviation; one value applies to every channel.
    public var std: [Float]
    /// Training only: mirror left-right with probability 0.5.
    public var horizontalFlip: Bool
    /// Training only: shift by up to this many pixels each way, filling with 0 after normalisation (the mean).
    public var randomCropPadding: Int
    /// Decoded, resized images are kept in memory up to this many bytes (1 byte per channel value).
    public var cacheLimitBytes: Int
    /// Background threads that decode and assemble batches.
    public var workerThreads: Int
    /// How many batches may be prepared ahead of the consumer.
    public var prefetchBatches: Int
    /// Images whose header claims more pixels are refused.
    public var maxPixels: Int
    /// Whether an image that cannot be decoded stops the epoch (`fail`) or is left out of its batch (`skip`).
    public var onBadImage: BadImagePolicy

    /// Options for `width × height × channels` input; the rest default to no augmentation, a 1 GiB cache,
    /// up to 4 workers and 4 batches of prefetch;
    /// an undecodable image is an error.
    public init(width: Int, height: Int, channels: Int, mean: [Float] = [0], std: [Float] = [1],
                horizontalFlip: Bool = false, randomCropPadding: Int = 0, cacheLimitBytes: Int = 1 << 30,
                workerThreads: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)),
                prefetchBatches: Int = 4, maxPixels: Int = ImageDecoder.defaultMaxPixels,
                onBadImage: BadImagePolicy = .fail) {
        self.width = width
        self.height = height
        self.channels = channels
        self.mean = mean
        self.std = std
        self.horizontalFlip = horizontalFlip
        self.randomCropPadding = randomCropPadding
        self.cacheLimitBytes = cacheLimitBytes
        self.workerThreads = workerThreads
        self.prefetchBatches = prefetchBatches
        self.maxPixels = maxPixels
        self.onBadImage = onBadImage
    }

    /// Bytes of one decoded, resized image.
    var bytesPerImage: Int { width * height * channels }

    /// Throws `DatasetError.invalidLoaderOption` naming the first bad option.
    func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw DatasetError.invalidLoaderOption(message) }
        }
        try check(width > 0 && height > 0, "input size must be positive, got \(width)×\(height)")
        try check(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        try check(mean.count == 1 || mean.count == channels,
                  "mean needs 1 or \(channels) values, got \(mean.count)")
        try check(std.count == 1 || std.count == channels, "std needs 1 or \(channels) values, got \(std.count)")
        try check(std.allSatisfy { $0 > 0 }, "std values must be positive, got \(std)")
        try check(randomCropPadding >= 0, "random crop padding must not be negative")
        try check(cacheLimitBytes >= 0, "cache limit must not be negative")
        try check(workerThreads >= 1, "worker threads must be at least 1")
        try check(prefetchBatches >= 1, "prefetch must be at least 1 batch")
        try check(maxPixels >= 1, "max pixels must be positive")
    }

    /// `(v / 255 − mean[c]) / std[c]` for every byte value `v`, 256 entries per channel.
    func normalizationTable() -> [Float] {
        (0..<channels).flatMap { c -> [Float] in
            let mean = self.mean.count == 1 ? self.mean[0] : self.mean[c]
            let std = self.std.count == 1 ? self.std[0] : self.std[c]
            return (0..<256).map { (Float($0) / 255 - mean) / std }
        }
    }
}
