import Foundation
import ImageIO
import XCTest

final class PNGDecodingTests: XCTestCase {
    func testGrayDecodesExactlyAndReplicatesToRGB() throws {
        let source = TestImages.pattern(width: 7, height: 5, channels: 1)
        let url = try TestImages.write(ImageEncoder.png(source), named: "gray.png", for: self)
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: url, channels: 1), source)
        let rgb = try ImageDecoder.decode(contentsOf: url, channels: 3)
        XCTAssertEqual(rgb.channels, 3)
        for c in 0..<3 { XCTAssertEqual(TestImages.plane(rgb, c), source.pixels) }
    }

    func testGrayAlphaDropsAlpha() throws {
        let source = TestImages.pattern(width: 6, height: 4, channels: 2)
        let decoded = try ImageDecoder.decode(ImageEncoder.png(source), name: "ga.png", channels: 1)
        XCTAssertEqual(decoded.pixels, TestImages.plane(source, 0))
    }

    func testRGBDecodesExactlyAndToLuma() throws {
        let source = TestImages.pattern(width: 9, height: 3, channels: 3)
        let data = try ImageEncoder.png(source)
        XCTAssertEqual(try ImageDecoder.decode(data, name: "rgb.png", channels: 3), source)
        XCTAssertEqual(try ImageDecoder.decode(data, name: "rgb.png", channels: 1).pixels, TestImages.luma(source))
    }

    func testRGBADropsAlpha() throws {
        let source = TestImages.pattern(width: 5, height: 5, channels: 4)
        let decoded = try ImageDecoder.decode(ImageEncoder.png(source), name: "rgba.png", channels: 3)
        for c in 0..<3 { XCTAssertEqual(TestImages.plane(decoded, c), TestImages.plane(source, c)) }
    }

    func testPaletteExpandsToColors() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 128, 255, 10, 20, 30]
        let indices: [UInt8] = [0, 1, 2, 2, 1, 0]
        let data = try ImageEncoder.pngPalette(width: 3, height: 2, indices: indices, palette: palette,
                                               paletteChannels: 3)
        let decoded = try ImageDecoder.decode(data, name: "palette.png", channels: 3)
        let expected = indices.flatMap { palette[Int($0) * 3..<Int($0) * 3 + 3] }
        XCTAssertEqual(decoded.pixels, expected)
    }

    func testPaletteWithTransparencyDropsAlpha() throws {
        let palette: [UInt8] = [200, 100, 50, 255, 7, 8, 9, 0]
        let indices: [UInt8] = [1, 0, 0, 1]
        let data = try ImageEncoder.pngPalette(width: 2, height: 2, indices: indices, palette: palette,
                                               paletteChannels: 4)
        let decoded = try ImageDecoder.decode(data, name: "palette-alpha.png", channels: 3)
        XCTAssertEqual(decoded.pixels, [7, 8, 9, 200, 100, 50, 200, 100, 50, 7, 8, 9])
    }

    func testSixteenBitLinearIsEncodedToSRGB() throws {
        let samples: [UInt16] = [0, 65535, 32768, 8000, 1000, 50000]
        let data = try ImageEncoder.png16(width: 3, height: 2, channels: 1, samples: samples)
        let decoded = try ImageDecoder.decode(data, name: "linear16.png", channels: 1)
        let expected = samples.map { sample -> UInt8 in
            let linear = Double(sample) / 65535
            let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
            return UInt8((encoded * 255).rounded())
        }
        // libpng's gamma tables are coarse near black (1000 → 38, exact 33); a plain rescale would give 4.
        XCTAssertLessThanOrEqual(TestImages.maxDifference(decoded.pixels, expected), 6, "\(decoded.pixels)")
    }

    func testSixteenBitWithoutGammaIsRescaled() throws {
        let samples: [UInt16] = [0, 65535, 32896, 8000, 1000, 50000, 12345, 54321, 300, 40000, 20000, 60000]
        let written = try ImageEncoder.png16(width: 2, height: 2, channels: 3, samples: samples)
        let data = TestImages.strippingColorChunks(written)
        XCTAssertLessThan(data.count, written.count, "the encoder should have written a gAMA chunk")
        let decoded = try ImageDecoder.decode(data, name: "plain16.png", channels: 3)
        let expected = samples.map { UInt8((Double($0) / 257).rounded()) }
        XCTAssertLessThanOrEqual(TestImages.maxDifference(decoded.pixels, expected), 1)
    }
}
