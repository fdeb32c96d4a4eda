extension ImageResampler {
    /// Shrinks by whole factors, each output pixel the rounded mean of a `factorX × factorY` block (blocks at
    /// the right and bottom edges may be partial and average what they cover).
    static func boxReduce(_ image: Image, factorX: Int, factorY: Int) -> Image {
        if factorX == 1 && factorY == 1 { return image }
        let width = (image.width + factorX - 1) / factorX
        let height = (image.height + factorY - 1) / factorY
        let channels = image.channels
        var output = [UInt8](repeating: 0, count: width * height * channels)
        var sums = [UInt32](repeating: 0, count: width * channels)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<height {
                        let firstRow = y * factorY, rowCount = min(factorY, image.height - firstRow)
                        for i in 0..<sums.count { sums[i] = 0 }
                        for row in firstRow..<firstRow + rowCount {
                            let rowStart = row * image.width * channels
                            for x in 0..<image.width {
                                let s = rowStart + x * channels, t = (x / factorX) * channels
                                for c in 0..<channels { sums[t + c] += UInt32(source[s + c]) }
                            }
                        }
                        for x in 0..<width {
                            let count = UInt32(rowCount * min(factorX, image.width - x * factorX))
                            for c in 0..<channels {
                                let t = x * channels + c
                                target[y * width * channels + t] = UInt8((sums[t] + count / 2) / count)
                            }
                        }
                    }
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: output)
    }
}
