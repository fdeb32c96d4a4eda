import Foundation
import ImageIO
import XCTest

final class DecodeErrorTests: XCTestCase {
    func testZeroByteFileNamesTheFile() throws {
        let url = try TestImages.write(Data(), named: "empty.png", for: self)
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOf: url, channels: 1)) { error in
            XCTAssertEqual(error as? ImageError, ImageError(file: url.path, reason: .empty))
            XCTAssertTrue("\(error)".contains("empty.png"))
            XCTAssertTrue("\(error)".contains("empty"))
        }
    }

    func testMissingFileIsUnreadable() {
        let url = URL(fileURLWithPath: "/nonexistent-dltrain/cat.png")
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOf: url, channels: 3)) { error in
            XCTAssertEqual(error as? ImageError, ImageError(file: url.path, reason: .unreadable("no such file")))
        }
    }

    func testTextNamedPNGIsNotAnImage() {
        XCTAssertEqual(TestImages.reason(decoding: Data("hello, I am text\n".utf8)), .notAnImage)
    }

    func testOtherFormatsAreNamedAsUnsupported() {
        let gif = Data("GIF89a".utf8) + Data(count: 20)
        let bmp = Data("BM".utf8) + Data(count: 60)
        let webp = Data("RIFF".utf8) + Data([0, 1, 0, 0]) + Data("WEBPVP8 ".utf8) + Data(count: 20)
        XCTAssertEqual(TestImages.reason(decoding: gif), .unsupportedFormat("GIF"))
        XCTAssertEqual(TestImages.reason(decoding: bmp), .unsupportedFormat("BMP"))
        XCTAssertEqual(TestImages.reason(decoding: webp), .unsupportedFormat("WebP"))
        XCTAssertTrue(ImageError.Reason.unsupportedFormat("GIF").message.contains("GIF"))
    }

    func testTruncatedPNGIsRefused() throws {
        let data = try ImageEncoder.png(TestImages.pattern(width: 40, height: 40, channels: 3))
        XCTAssertEqual(TestImages.reason(decoding: data.prefix(data.count / 2)), .truncated)
        XCTAssertEqual(TestImages.reason(decoding: data.prefix(5)), .truncated)
    }

    func testCorruptPNGIsRefused() throws {
        var bytes = [UInt8](try ImageEncoder.png(TestImages.pattern(width: 16, height: 16, channels: 3)))
        bytes[bytes.count / 2] ^= 0xFF
        guard case .corrupt = TestImages.reason(decoding: Data(bytes)) else {
            return XCTFail("expected a corrupt-data error")
        }
    }

    func testPNGHeaderSizeAboveLimitIsRefused() throws {
        let data = try ImageEncoder.png(TestImages.pattern(width: 10, height: 10, channels: 1))
        XCTAssertEqual(TestImages.reason(decoding: data, maxPixels: 99), .tooLarge(width: 10, height: 10, maxPixels: 99))
    }

    func testTwoChannelRequestIsRefused() throws {
        let data = try ImageEncoder.png(TestImages.pattern(width: 2, height: 2, channels: 1))
        XCTAssertEqual(TestImages.reason(decoding: data, channels: 2), .unsupportedChannelCount(2))
    }
}

extension DecodeErrorTests {
    func testFolderIsUnreadable() throws {
        let folder = try TestImages.write(Data(), named: "x.png", for: self).deletingLastPathComponent()
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOf: folder, channels: 1)) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .unreadable("it is a folder"))
        }
    }
}
