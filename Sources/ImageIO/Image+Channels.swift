extension Image {
    /// This image with `count` channels (1 or 3): alpha dropped, gray replicated, colour reduced to ITU-R 601 luma.
    ///
    /// Luma uses PIL's integer weights, `(19595·R + 38470·G + 7471·B + 32768) >> 16`.
    public func converted(toChannels count: Int) -> Image {
        precondition(count == 1 || count == 3, "can convert only to 1 or 3 channels")
        if channels == count { return self }
        let pixelCount = width * height
        let sourceChannels = channels
        let isColor = sourceChannels >= 3
        var output = [UInt8](repeating: 0, count: pixelCount * count)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for p in 0..<pixelCount {
                    let s = p * sourceChannels
                    if count == 3 {
                        target[p * 3] = source[s]
                        target[p * 3 + 1] = isColor ? source[s + 1] : source[s]
                        target[p * 3 + 2] = isColor ? source[s + 2] : source[s]
                    } else if isColor {
                        let luma = 19595 * UInt32(source[s]) + 38470 * UInt32(source[s + 1])
                            + 7471 * UInt32(source[s + 2]) + 32768
                        target[p] = UInt8(truncatingIfNeeded: luma >> 16)
                    } else {
                        target[p] = source[s]
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: count, pixels: output)
    }
}
