/// Resizes images to the network's input size.
public enum ImageResampler {
    /// Scales `image` so it covers `width × height` (the shorter side meets the target), then crops the centre.
    ///
    /// Bilinear with half-pixel centres and clamped edges, like OpenCV's `INTER_LINEAR`. When shrinking by 2 or
    /// more, whole factors are first taken out by averaging pixel blocks (as PIL's `reduce`), so the bilinear
    /// step never skips source pixels. An image already at the target size is returned unchanged.
    public static func resizeAndCenterCrop(_ image: Image, width: Int, height: Int) -> Image {
        precondition(width > 0 && height > 0, "target size must be positive")
        if image.width == width && image.height == height { return image }
        let scale = max(Double(width) / Double(image.width), Double(height) / Double(image.height))
        let scaledWidth = max(width, Int((Double(image.width) * scale).rounded()))
        let scaledHeight = max(height, Int((Double(image.height) * scale).rounded()))
        let factorX = max(1, image.width / scaledWidth), factorY = max(1, image.height / scaledHeight)
        let reduced = boxReduce(image, factorX: factorX, factorY: factorY)
        let columns = AxisTaps(source: reduced.width,
                               ratio: Double(image.width) / Double(scaledWidth * factorX),
                               offset: (scaledWidth - width) / 2, count: width)
        let rows = AxisTaps(source: reduced.height,
                            ratio: Double(image.height) / Double(scaledHeight * factorY),
                            offset: (scaledHeight - height) / 2, count: height)
        return bilinear(reduced, columns: columns, rows: rows)
    }

    private static func bilinear(_ image: Image, columns: AxisTaps, rows: AxisTaps) -> Image {
        let width = columns.first.count, height = rows.first.count
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

    /// Taps for output positions `offset ..< offset + count`, each `ratio` source pixels wide, on a
    /// `source`-long axis.
    init(source: Int, ratio: Double, offset: Int, count: Int) {
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
