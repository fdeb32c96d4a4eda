import ImageIO

extension BatchLoader {
    /// Builds the batch number `index` of `members` (dataset positions): load each image, augment if training,
    /// normalise. Under `on_bad_image: "skip"` undecodable images are left out (the batch gets shorter).
    func assemble(_ members: [Int], epoch: Int, training: Bool, index: Int) throws -> Batch {
        let imageSize = options.width * options.height * options.channels
        var images = [Float](repeating: 0, count: members.count * imageSize)
        var kept: [Int] = []
        try images.withUnsafeMutableBufferPointer { output in
            for sample in members {
                var placement = Placement.identity
                if training {
                    var random = DataRandom(seed, UInt64(truncatingIfNeeded: epoch), UInt64(sample))
                    placement = Placement.random(options: options, using: &random)
                }
                let position = kept.count
                let target = UnsafeMutableBufferPointer(rebasing: output[position * imageSize..<(position + 1) * imageSize])
                if try withPixels(of: sample, { pixels in write(pixels, to: target, placement: placement) }) {
                    kept.append(sample)
                }
            }
        }
        images.removeLast((members.count - kept.count) * imageSize)
        return Batch(images: images, labels: kept.map { Float(samples[$0].label) }, count: kept.count,
                     sampleIndices: kept, index: index, skipped: members.count - kept.count)
    }

    /// Calls `body` with the sample's resized HWC bytes, from the cache or decoded (and then cached); returns
    /// false for an image skipped as undecodable.
    private func withPixels(of sample: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws -> Bool {
        if let cached = cache.pixels(of: sample) {
            body(cached)
            return true
        }
        guard options.onBadImage == .skip else {
            try decodeAndCache(sample, body)
            return true
        }
        if badImages.contains(sample) { return false }
        do {
            try decodeAndCache(sample, body)
            return true
        } catch let error as ImageError {
            let label = samples[sample].label
            if badImages.record(error, sample: sample, label: label) {
                let folder = samples[sample].url.deletingLastPathComponent()
                throw DatasetError.noReadableImages(name: folder.lastPathComponent, folder: folder.path)
            }
            return false
        }
    }

    /// Decodes, resizes and caches `sample`, then calls `body` with its bytes.
    private func decodeAndCache(_ sample: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
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
