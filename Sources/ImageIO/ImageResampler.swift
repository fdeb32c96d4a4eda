/// Resizes images to the network's input size.
public enum ImageResampler {
    /// Scales `image` so it covers `width × height` (the shorter side meets the target), then crops the centre.
    ///
    /// Bilinear with half-pixel centres and clamped edges, like OpenCV's `INTER_LINEAR` (no antialiasing when
    /// shrinking). An image already at the target size is returned unchanged.
    public static func resizeAndCenterCrop(_ image: Image, width: Int, height: Int) -> Image {
        precondition(width > 0 && height > 0, "target size must be positive")
        if image.width == width && image.height == height { return image }
        let scale = max(Double(width) / Double(image.width), Double(height) / Double(image.height))
        let scaledWidth = max(width, Int((Double(image.width) * scale).rounded()))
        let scaledHeight = max(height, Int((Double(image.height) * scale).rounded()))
        let columns = AxisTaps(source: image.width, scaled: scaledWidth, offset: (scaledWidth - width) / 2,
                               count: width)
        let rows = AxisTaps(source: image.height, scaled: scaledHeight, offset: (scaledHeight - height) / 2,
                            count: height)
        let channels = image.channels
        var output = [UInt8](repeating: 0, count: width * height * channels)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                let rowLength = image.width * channels
                for y in 0..<height {
                    let top = rows.first[y] * rowLength, bottom = rows.second[y] * rowLength
                    let wy = rows.weight[y]
                    for x in 0..<width {
                        let left = columns.first[x] * channels, right = columns.second[x] * channels
                        let wx = columns.weight[x]
                        let o = (y * width + x) * channels
                        for c in 0..<channels {
                            let a = Float(source[top + left + c]), b = Float(source[top + right + c])
                            let d = Float(source[bottom + left + c]), e = Float(source[bottom + right + c])
                            let upper = a + (b - a) * wx
                            let lower = d + (e - d) * wx
                            let value = upper + (lower - upper) * wy
                            target[o + c] = UInt8(min(255, max(0, value + 0.5)))
                        }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: output)
    }
}

/// Precomputed bilinear taps along one axis: two source indices and the weight of the second.
private struct AxisTaps {
    var first: [Int] = []
    var second: [Int] = []
    var weight: [Float] = []

    /// Taps for output positions `offset ..< offset + count` of a `source`-long axis scaled to `scaled`.
    init(source: Int, scaled: Int, offset: Int, count: Int) {
        let ratio = Double(source) / Double(scaled)
        for i in 0..<count {
            let position = max(0, (Double(i + offset) + 0.5) * ratio - 0.5)
            var index = Int(position)
            var fraction = Float(position - Double(index))
            if index >= source - 1 {
                index = source - 1
                fraction = 0
            }
            first.append(index)
            second.append(min(index + 1, source - 1))
            weight.append(fraction)
        }
    }
}
