import Foundation
import ImageIO
import XCTest

/// Deterministic test pictures and helpers shared by the ImageIO tests.
enum TestImages {
    /// A `width × height` image whose bytes follow a fixed pattern per channel, so every pixel is known.
    static func pattern(width: Int, height: Int, channels: Int) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels.append(UInt8((x * 37 + y * 71 + c * 101 + 13) % 256))
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// A smooth image (gentle gradients) that JPEG reproduces closely.
    static func smooth(width: Int, height: Int, channels: Int) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels.append(UInt8(40 + (x * 3 + y * 2 + c * 50) % 170))
                }
            }
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Writes `data` into a fresh temporary folder under `name` and returns its URL; the folder is removed when
    /// `test` ends.
    static func write(_ data: Data, named name: String, for test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("imageio-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// `png` without its ancillary colour-space chunks (gAMA, cHRM, sRGB, iCCP), as other tools write files.
    static func strippingColorChunks(_ png: Data) -> Data {
        let bytes = [UInt8](png)
        var output = Array(bytes[0..<8])
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let end = offset + 12 + length
            if !["gAMA", "cHRM", "sRGB", "iCCP"].contains(type) { output += bytes[offset..<end] }
            offset = end
        }
        return Data(output)
    }

    /// The decode error's reason, failing the test when decoding succeeds or throws something else.
    static func reason(decoding data: Data, channels: Int = 3, maxPixels: Int = ImageDecoder.defaultMaxPixels,
                       file: StaticString = #filePath, line: UInt = #line) -> ImageError.Reason? {
        do {
            _ = try ImageDecoder.decode(data, name: "sample.png", channels: channels, maxPixels: maxPixels)
            XCTFail("decoding succeeded", file: file, line: line)
        } catch let error as ImageError {
            XCTAssertEqual(error.file, "sample.png", file: file, line: line)
            return error.reason
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return nil
    }

    /// The largest absolute difference between two equally long byte arrays.
    static func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        precondition(a.count == b.count)
        return zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// ITU-R 601 luma with PIL's integer weights, the reference for colour → gray.
    static func luma(_ image: Image) -> [UInt8] {
        (0..<image.width * image.height).map { p in
            let r = UInt32(image.pixels[p * image.channels]), g = UInt32(image.pixels[p * image.channels + 1])
            let b = UInt32(image.pixels[p * image.channels + 2])
            return UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
        }
    }

    /// Channel `c` of every pixel.
    static func plane(_ image: Image, _ c: Int) -> [UInt8] {
        stride(from: c, to: image.pixels.count, by: image.channels).map { image.pixels[$0] }
    }
}
