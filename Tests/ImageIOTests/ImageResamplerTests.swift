import ImageIO
import XCTest

final class ImageResamplerTests: XCTestCase {
    func testMatchingSizeIsUnchanged() {
        let image = TestImages.pattern(width: 5, height: 4, channels: 3)
        XCTAssertEqual(ImageResampler.resizeAndCenterCrop(image, width: 5, height: 4), image)
    }

    func testUpscaleUsesHalfPixelCentresAndClampedEdges() {
        let image = Image(width: 2, height: 2, channels: 1, pixels: [0, 100, 200, 40])
        let output = ImageResampler.resizeAndCenterCrop(image, width: 4, height: 4)
        // Source positions along each axis: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        let row0: [Float] = [0, 25, 75, 100]
        let row1: [Float] = [200, 160, 80, 40]
        let weights: [Float] = [0, 0.25, 0.75, 1]
        let expected = weights.flatMap { w in
            zip(row0, row1).map { UInt8(($0 + ($1 - $0) * w).rounded()) }
        }
        XCTAssertEqual(output.pixels, expected)
    }

    func testDownscaleByTwoAveragesPairs() {
        let image = Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8($0 * 10) })
        let output = ImageResampler.resizeAndCenterCrop(image, width: 2, height: 2)
        // Each output pixel samples the centre of a 2×2 block: the block's mean.
        XCTAssertEqual(output.pixels, [25, 45, 105, 125])
    }

    func testWideImageIsCroppedToTheCentre() {
        let image = Image(width: 4, height: 2, channels: 2, pixels: (0..<16).map { UInt8($0) })
        let output = ImageResampler.resizeAndCenterCrop(image, width: 2, height: 2)
        // The shorter side already matches: no scaling, columns 1 and 2 are kept.
        XCTAssertEqual(output.pixels, [2, 3, 4, 5, 10, 11, 12, 13])
    }

    func testTallImageShrinksThenCrops() {
        let image = Image(width: 2, height: 6, channels: 1, pixels: (0..<12).map { UInt8($0 * 20) })
        let output = ImageResampler.resizeAndCenterCrop(image, width: 1, height: 1)
        // Scaled to 1×3 (x at source 0.5, y at source 1 + 2·1 = rows 2..3 centre = 2.5): mean of rows 2, 3.
        let expected = (Float(80) + 100 + 120 + 140) / 4
        XCTAssertEqual(output.pixels, [UInt8(expected.rounded())])
    }
}

extension ImageResamplerTests {
    func testLargeShrinkAveragesEverySourcePixel() {
        let row: [UInt8] = [0, 40, 80, 120, 200, 0, 0, 100]
        let image = Image(width: 8, height: 4, channels: 1, pixels: Array([row, row, row, row].joined()))
        let output = ImageResampler.resizeAndCenterCrop(image, width: 2, height: 1)
        // Plain bilinear would read only pixels 1–2 and 5–6 (60, 0); averaging blocks of 4 keeps all of them.
        XCTAssertEqual(output.pixels, [60, 75])
    }

    func testShrinkWithPartialBlocksAndResidualScale() {
        let image = Image(width: 5, height: 5, channels: 1, pixels: (0..<25).map { UInt8($0 * 10) })
        let output = ImageResampler.resizeAndCenterCrop(image, width: 2, height: 2)
        // Factor 2 gives 3×3 block means (partial blocks at the edges), then bilinear at ratio 1.25.
        let reduced: [Float] = [30, 50, 65, 130, 150, 165, 205, 225, 240]
        func sample(_ p: Double) -> (Int, Float) { (Int(p), Float(p - Double(Int(p)))) }
        let (i0, f0) = sample(0.125), (i1, f1) = sample(1.375)
        let taps = [(i0, f0), (i1, f1)]
        let expected = taps.flatMap { y in
            taps.map { x -> UInt8 in
                let top = reduced[y.0 * 3 + x.0] + (reduced[y.0 * 3 + x.0 + 1] - reduced[y.0 * 3 + x.0]) * x.1
                let bottom = reduced[(y.0 + 1) * 3 + x.0]
                    + (reduced[(y.0 + 1) * 3 + x.0 + 1] - reduced[(y.0 + 1) * 3 + x.0]) * x.1
                return UInt8((top + (bottom - top) * y.1).rounded())
            }
        }
        XCTAssertEqual(output.pixels, expected)
    }
}
