import Foundation
import ImageIO

/// Writes small labelled image folders whose classes a tiny CNN can learn: horizontal bars, vertical bars and
/// squares at random positions over noise, as PNG (and every fifth image as JPEG).
enum SyntheticImages {
    static let classNames = ["horizontal", "square", "vertical"]

    /// Writes `perClass` images of each class under `root/<class>/`, `size`×`size` gray pixels.
    static func write(to root: URL, perClass: Int, size: Int = 16, seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for (label, name) in classNames.enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for index in 0..<perClass {
                let image = render(label: label, size: size, random: &random)
                let asJPEG = index % 5 == 4
                let data = asJPEG ? try ImageEncoder.jpeg(image, quality: 95) : try ImageEncoder.png(image)
                try data.write(to: folder.appendingPathComponent("\(index).\(asJPEG ? "jpg" : "png")"))
            }
        }
    }

    private static func render(label: Int, size: Int, random: inout SeededRandom) -> Image {
        var pixels = (0..<(size * size)).map { _ in UInt8(random.next() % 60) }
        let position = Int(random.next() % UInt64(size - 4)) + 1
        let other = Int(random.next() % UInt64(size - 4)) + 1
        for y in 0..<size {
            for x in 0..<size {
                let on: Bool
                switch classNames[label] {
                case "horizontal": on = (position..<position + 2).contains(y)
                case "vertical": on = (position..<position + 2).contains(x)
                default: on = (position..<position + 3).contains(x) && (other..<other + 3).contains(y)
                }
                if on { pixels[y * size + x] = 200 + UInt8(random.next() % 55) }
            }
        }
        return Image(width: size, height: size, channels: 1, pixels: pixels)
    }
}

/// SplitMix64, so generated data sets are the same on every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
