import ImageIO

extension BatchLoader {
    /// Builds the batch of `members` (dataset positions): load each image, augment if training, normalise.
    func assemble(_ members: [Int], epoch: Int, training: Bool) throws -> Batch {
        let plane = options.width * options.height
        let imageSize = plane * options.channels
        var images = [Float](repeating: 0, count: members.count * imageSize)
        try images.withUnsafeMutableBufferPointer { output in
            for (position, sample) in members.enumerated() {
                var placement = Placement.identity
                if training {
                    var random = DataRandom(seed, UInt64(truncatingIfNeeded: epoch), UInt64(sample))
                    placement = Placement.random(options: options, using: &random)
                }
                let target = UnsafeMutableBufferPointer(rebasing: output[position * imageSize..<(position + 1) * imageSize])
                try withPixels(of: sample) { pixels in write(pixels, to: target, placement: placement) }
            }
        }
        return Batch(images: images, labels: members.map { Float(samples[$0].label) }, count: members.count,
                     sampleIndices: members)
    }

    /// Calls `body` with the sample's resized HWC bytes, from the cache or decoded (and then cached).
    private func withPixels(of sample: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        if let cached = cache.pixels(of: sample) { return body(cached) }
        let url = samples[sample].url
        let decoded = try ImageDecoder.decode(contentsOf: url, channels: options.channels,
                                              maxPixels: options.maxPixels,
                                              covering: (width: options.width, height: options.height))
        let resized = ImageResampler.resizeAndCenterCrop(decoded, width: options.width, height: options.height)
        resized.pixels.withUnsafeBufferPointer { pixels in
            cache.store(pixels, for: sample)
            body(pixels)
        }
    }

    /// Writes HWC bytes as normalised CHW floats, shifted and mirrored by `placement`; uncovered pixels are 0.
    private func write(_ pixels: UnsafeBufferPointer<UInt8>, to target: UnsafeMutableBufferPointer<Float>,
                       placement: Placement) {
        let width = options.width, height = options.height, channels = options.channels
        normalization.withUnsafeBufferPointer { table in
            for y in 0..<height {
                let sourceY = y + placement.dy
                for x in 0..<width {
                    let sourceX = (placement.flip ? width - 1 - x : x) + placement.dx
                    let inside = sourceY >= 0 && sourceY < height && sourceX >= 0 && sourceX < width
                    let source = (sourceY * width + sourceX) * channels
                    for c in 0..<channels {
                        target[(c * height + y) * width + x] = inside ? table[c * 256 + Int(pixels[source + c])] : 0
                    }
                }
            }
        }
    }
}

/// Where an output pixel reads from: mirrored first, then shifted by `(dx, dy)` (a padded random crop).
struct Placement {
    var flip: Bool
    var dx: Int
    var dy: Int

    static let identity = Placement(flip: false, dx: 0, dy: 0)

    /// The training augmentation for one sample: flip with p = 0.5, shifts uniform in `-padding...padding`
    /// (the coin is drawn even when flipping is off, so the shifts do not depend on that option).
    static func random(options: LoaderOptions, using random: inout DataRandom) -> Placement {
        let coin = random.below(2) == 1
        let flip = options.horizontalFlip && coin
        let span = 2 * options.randomCropPadding + 1
        let dx = random.below(span) - options.randomCropPadding
        let dy = random.below(span) - options.randomCropPadding
        return Placement(flip: flip, dx: dx, dy: dy)
    }
}
