import Foundation
import ImageIO
import XCTest

final class JPEGDecodingTests: XCTestCase {
    func testGrayJPEGMatchesWithinTolerance() throws {
        let source = TestImages.smooth(width: 24, height: 16, channels: 1)
        let data = try ImageEncoder.jpeg(source, quality: 100)
        let gray = try ImageDecoder.decode(data, name: "gray.jpg", channels: 1)
        XCTAssertEqual(gray.width, 24)
        XCTAssertEqual(gray.height, 16)
        XCTAssertLessThanOrEqual(TestImages.maxDifference(gray.pixels, source.pixels), 3)
        let rgb = try ImageDecoder.decode(data, name: "gray.jpg", channels: 3)
        for c in 0..<3 { XCTAssertEqual(TestImages.plane(rgb, c), gray.pixels) }
    }

    func testRGBJPEGMatchesWithinTolerance() throws {
        let source = TestImages.smooth(width: 32, height: 24, channels: 3)
        let url = try TestImages.write(ImageEncoder.jpeg(source, quality: 100), named: "photo.JPG", for: self)
        let rgb = try ImageDecoder.decode(contentsOf: url, channels: 3)
        XCTAssertLessThanOrEqual(TestImages.maxDifference(rgb.pixels, source.pixels), 6)
        let gray = try ImageDecoder.decode(contentsOf: url, channels: 1)
        XCTAssertLessThanOrEqual(TestImages.maxDifference(gray.pixels, TestImages.luma(source)), 4)
    }

    func testCMYKIsRefused() throws {
        let data = try ImageEncoder.jpeg(TestImages.smooth(width: 8, height: 8, channels: 4))
        XCTAssertEqual(TestImages.reason(decoding: data), .cmykJPEG)
        XCTAssertTrue(ImageError.Reason.cmykJPEG.message.contains("CMYK JPEG is not supported"))
    }

    func testTruncatedJPEGIsRefused() throws {
        let data = try ImageEncoder.jpeg(TestImages.pattern(width: 64, height: 64, channels: 3))
        XCTAssertEqual(TestImages.reason(decoding: data.prefix(data.count / 2)), .truncated)
        // Cut inside the Huffman tables, before the scan: libjpeg only warns there, and gives no size.
        let bytes = [UInt8](data)
        let tables = try XCTUnwrap((0..<bytes.count - 1).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC4 })
        XCTAssertEqual(TestImages.reason(decoding: Data(bytes.prefix(tables + 20))), .truncated)
    }

    func testCorruptHeaderIsRefused() throws {
        var bytes = [UInt8](try ImageEncoder.jpeg(TestImages.smooth(width: 16, height: 16, channels: 3)))
        for i in 3..<40 { bytes[i] = 0x5A }
        guard case .corrupt = TestImages.reason(decoding: Data(bytes)) else {
            return XCTFail("expected a corrupt-data error")
        }
    }

    func testCorruptScanDataNeverCrashes() throws {
        let clean = try ImageEncoder.jpeg(TestImages.pattern(width: 48, height: 48, channels: 3))
        for seed in 0..<8 {
            var bytes = [UInt8](clean)
            for k in 0..<64 { bytes[bytes.count / 3 + (k * 31 + seed * 7) % (bytes.count / 2)] ^= 0xA5 }
            do {
                let image = try ImageDecoder.decode(Data(bytes), name: "damaged.jpg", channels: 3)
                XCTAssertEqual(image.pixels.count, 48 * 48 * 3)
            } catch {
                XCTAssertTrue(error is ImageError, "\(error)")
            }
        }
    }

    func testHeaderSizeAboveLimitIsRefused() throws {
        let data = try ImageEncoder.jpeg(TestImages.smooth(width: 20, height: 10, channels: 1))
        XCTAssertEqual(TestImages.reason(decoding: data, maxPixels: 199),
                       .tooLarge(width: 20, height: 10, maxPixels: 199))
        XCTAssertNoThrow(try ImageDecoder.decode(data, name: "ok.jpg", channels: 1, maxPixels: 200))
    }
}

extension JPEGDecodingTests {
    func testDCTScalingShrinksOnlyWhileTheResultCoversTheRequest() throws {
        let source = TestImages.smooth(width: 64, height: 48, channels: 3)
        let data = try ImageEncoder.jpeg(source, quality: 100)
        let quarter = try ImageDecoder.decode(data, name: "a.jpg", channels: 3, covering: (width: 16, height: 12))
        XCTAssertEqual([quarter.width, quarter.height], [16, 12])
        let reference = ImageResampler.resizeAndCenterCrop(source, width: 16, height: 12)
        XCTAssertLessThanOrEqual(TestImages.maxDifference(quarter.pixels, reference.pixels), 6)
        let half = try ImageDecoder.decode(data, name: "a.jpg", channels: 3, covering: (width: 17, height: 12))
        XCTAssertEqual([half.width, half.height], [32, 24])
        let full = try ImageDecoder.decode(data, name: "a.jpg", channels: 3, covering: (width: 40, height: 12))
        XCTAssertEqual([full.width, full.height], [64, 48])
    }
}

extension JPEGDecodingTests {
    func testStrayBytesBetweenMarkersAreTolerated() throws {
        let source = TestImages.smooth(width: 16, height: 16, channels: 3)
        var bytes = [UInt8](try ImageEncoder.jpeg(source, quality: 100))
        let scanStart = try XCTUnwrap((2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        bytes.insert(contentsOf: [0x00, 0x11, 0x22], at: scanStart)
        // libjpeg warns "extraneous bytes before marker"; like other decoders, the image is still used.
        let decoded = try ImageDecoder.decode(Data(bytes), name: "stray.jpg", channels: 3)
        XCTAssertLessThanOrEqual(TestImages.maxDifference(decoded.pixels, source.pixels), 6)
    }
}
