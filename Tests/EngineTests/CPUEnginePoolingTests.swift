import CPUEngine
import Engine
import XCTest

/// Max and average pooling, forward and backward; max pooling is exact, averages use 1e-5 relative.
final class CPUEnginePoolingTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)

    /// 2/2, overlapping 3/2, padded, odd sizes, batch 1, and one large enough to split across threads.
    private let geometries = [
        PoolingGeometry(batch: 2, channels: 3, height: 8, width: 6, size: 2, stride: 2),
        PoolingGeometry(batch: 1, channels: 2, height: 9, width: 7, size: 3, stride: 2),
        PoolingGeometry(batch: 2, channels: 2, height: 7, width: 7, size: 3, stride: 2, padding: 1),
        PoolingGeometry(batch: 3, channels: 1, height: 5, width: 11, size: 3, stride: 1, padding: 1),
        PoolingGeometry(batch: 1, channels: 1, height: 1, width: 1, size: 1, stride: 1),
        PoolingGeometry(batch: 8, channels: 16, height: 23, width: 23, size: 3, stride: 2),
        // Unpadded windows run a C kernel over stride × stride phases, 16 outputs per vector: 300 outputs per row,
        // strides 3 and 4 with windows that reach 0, 1 or 2 phase cells past their first, and a stride above the
        // window (pixels no window reads).
        PoolingGeometry(batch: 1, channels: 2, height: 5, width: 601, size: 3, stride: 2),
        PoolingGeometry(batch: 2, channels: 3, height: 20, width: 19, size: 3, stride: 3),
        PoolingGeometry(batch: 1, channels: 2, height: 21, width: 40, size: 4, stride: 3),
        PoolingGeometry(batch: 2, channels: 2, height: 17, width: 18, size: 5, stride: 2),
        PoolingGeometry(batch: 1, channels: 3, height: 13, width: 14, size: 2, stride: 4),
        // 2×2/2 (its own C kernel): odd sizes (uncovered last row and column), 8, 15, 17 and 16 outputs per row.
        PoolingGeometry(batch: 3, channels: 2, height: 7, width: 7, size: 2, stride: 2),
        PoolingGeometry(batch: 2, channels: 3, height: 29, width: 31, size: 2, stride: 2),
        PoolingGeometry(batch: 1, channels: 2, height: 16, width: 16, size: 2, stride: 2),
        PoolingGeometry(batch: 2, channels: 1, height: 6, width: 35, size: 2, stride: 2),
    ]

    func testMaxPoolMatchesNaive() throws {
        var random = TestRandom(seed: 20)
        for g in geometries {
            let input = random.floats(g.planes * g.height * g.width)
            let outputShape = Shape(g.batch, g.channels, g.outputHeight, g.outputWidth)
            let (output, indices) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape))
            try engine.maxPool(try engine.tensor(input, Shape(input.count)), geometry: g, into: output,
                               indices: indices)
            let expected = NaiveReference.maxPool(input, geometry: g)
            XCTAssertEqual(try engine.download(output), expected.output, "\(g)")
            XCTAssertEqual(try engine.download(indices), expected.indices, "\(g)")
        }
    }

    /// Inference passes no indices: the same maxima, from every kernel (2×2/2, the phases, the padded loop), with
    /// NaN-first and all −∞/NaN windows.
    func testMaxPoolWithoutIndicesGivesTheSameMaxima() throws {
        var random = TestRandom(seed: 21)
        for g in geometries {
            var input = random.floats(g.planes * g.height * g.width)
            for i in stride(from: 0, to: input.count, by: 7) { input[i] = .nan }
            for i in stride(from: 3, to: input.count, by: 11) { input[i] = -.infinity }
            let outputShape = Shape(g.batch, g.channels, g.outputHeight, g.outputWidth)
            let (output, indices, alone) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape),
                                            try engine.poisoned(outputShape))
            let tensor = try engine.tensor(input, Shape(input.count))
            try engine.maxPool(tensor, geometry: g, into: output, indices: indices)
            try engine.maxPool(tensor, geometry: g, into: alone, indices: nil)
            let (expected, actual) = (try engine.download(output), try engine.download(alone))
            XCTAssertEqual(expected.map(\.bitPattern), actual.map(\.bitPattern), "\(g)")
        }
    }

    func testMaxPoolPaddingNeverWinsOverNegativeInputs() throws {
        let g = PoolingGeometry(batch: 1, channels: 1, height: 3, width: 3, size: 3, stride: 2, padding: 1)
        let input: [Float] = [-9, -8, -7, -6, -5, -4, -3, -2, -1]
        let output = try engine.poisoned(Shape(4))
        let indices = try engine.poisoned(Shape(4))
        try engine.maxPool(try engine.tensor(input, Shape(9)), geometry: g, into: output, indices: indices)
        XCTAssertEqual(try engine.download(output), [-5, -4, -2, -1])
        XCTAssertEqual(try engine.download(indices), [4, 5, 7, 8])
    }

    func testMaxPoolTiesPickTheFirstInScanOrder() throws {
        for g in [PoolingGeometry(batch: 1, channels: 1, height: 4, width: 4, size: 2, stride: 2),
                  PoolingGeometry(batch: 1, channels: 1, height: 4, width: 38, size: 2, stride: 2),
                  PoolingGeometry(batch: 1, channels: 1, height: 5, width: 5, size: 3, stride: 2)] {
            let outputShape = Shape(g.planes, g.outputHeight, g.outputWidth)
            let (output, indices) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape))
            let input = try engine.tensor([Float](repeating: 1, count: g.height * g.width), Shape(g.height, g.width))
            try engine.maxPool(input, geometry: g, into: output, indices: indices)
            XCTAssertEqual(try engine.download(indices), NaiveReference.maxPool(
                [Float](repeating: 1, count: g.height * g.width), geometry: g).indices, "\(g)")
            XCTAssertEqual(try engine.download(indices)[1], Float(g.stride), "\(g)")
        }
    }

    /// A window of −∞ and NaN only reports its first pixel (here a NaN), in the 2×2/2 and the phase-split kernels;
    /// a NaN beside a finite value never wins.
    func testMaxPoolWindowsWithoutAFiniteMaximumReportTheirFirstPixel() throws {
        for g in [PoolingGeometry(batch: 1, channels: 1, height: 4, width: 4, size: 2, stride: 2),
                  PoolingGeometry(batch: 1, channels: 1, height: 5, width: 5, size: 3, stride: 2)] {
            var input = (0..<g.height * g.width).map { Float($0) }
            // The first window holds NaN first, then −∞ and NaN only; the last one a NaN beside finite values.
            for y in 0..<g.size {
                for x in 0..<g.size { input[y * g.width + x] = (x + y) % 2 == 0 ? -.infinity : .nan }
            }
            input[0] = .nan
            let lastCorner = (g.height - g.size) * g.width + (g.width - g.size)
            input[lastCorner + 1] = .nan
            let outputShape = Shape(g.planes, g.outputHeight, g.outputWidth)
            let (output, indices) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape))
            try engine.maxPool(try engine.tensor(input, Shape(input.count)), geometry: g, into: output,
                               indices: indices)
            let (values, at) = (try engine.download(output), try engine.download(indices))
            XCTAssertEqual(at[0], 0, "\(g)")
            XCTAssertTrue(values[0].isNaN, "\(g): \(values[0])")
            XCTAssertEqual(values.last, Float(g.height * g.width - 1), "\(g)")
            XCTAssertEqual(at.last, Float(g.height * g.width - 1), "\(g)")
        }
    }

    /// A NaN in a window's first pixel does not win over the finite values after it either, in the 2×2/2 kernel as
    /// in the phase-split one.
    func testMaxPoolNaNFirstInAWindowNeverBeatsAFiniteValue() throws {
        for g in [PoolingGeometry(batch: 1, channels: 1, height: 4, width: 4, size: 2, stride: 2),
                  PoolingGeometry(batch: 1, channels: 1, height: 5, width: 5, size: 3, stride: 2)] {
            var input = (0..<g.height * g.width).map { Float($0) }
            input[(g.height - g.size) * g.width + (g.width - g.size)] = .nan  // the last window's first pixel
            let outputShape = Shape(g.planes, g.outputHeight, g.outputWidth)
            let (output, indices) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape))
            try engine.maxPool(try engine.tensor(input, Shape(input.count)), geometry: g, into: output,
                               indices: indices)
            XCTAssertEqual(try engine.download(output).last, Float(g.height * g.width - 1), "\(g)")
            XCTAssertEqual(try engine.download(indices).last, Float(g.height * g.width - 1), "\(g)")
        }
    }

    func testMaxPoolBackwardSumsOverlappingWindows() throws {
        var random = TestRandom(seed: 21)
        for g in geometries {
            let input = random.floats(g.planes * g.height * g.width)
            let outputShape = Shape(g.batch, g.channels, g.outputHeight, g.outputWidth)
            let (output, indices) = (try engine.poisoned(outputShape), try engine.poisoned(outputShape))
            try engine.maxPool(try engine.tensor(input, Shape(input.count)), geometry: g, into: output,
                               indices: indices)
            let gradOutput = random.floats(outputShape.count)
            let gradInput = try engine.poisoned(Shape(input.count))
            try engine.maxPoolBackward(try engine.tensor(gradOutput, outputShape), indices: indices, geometry: g,
                                       into: gradInput)
            let expected = NaiveReference.maxPoolBackward(gradOutput, indices: try engine.download(indices),
                                                          geometry: g)
            assertClose(try engine.download(gradInput), expected, tolerance: 1e-6, "\(g)")
        }
    }

    /// A plateau makes one pixel the maximum of several overlapping 3/2 windows: its gradient is their sum.
    func testMaxPoolBackwardOnPlateauAccumulates() throws {
        let g = PoolingGeometry(batch: 1, channels: 1, height: 5, width: 5, size: 3, stride: 2)
        var input = [Float](repeating: 0, count: 25)
        input[2 * 5 + 2] = 1  // the centre lies in all four windows
        let output = try engine.poisoned(Shape(4))
        let indices = try engine.poisoned(Shape(4))
        try engine.maxPool(try engine.tensor(input, Shape(25)), geometry: g, into: output, indices: indices)
        let gradInput = try engine.poisoned(Shape(25))
        try engine.maxPoolBackward(try engine.tensor([1, 2, 3, 4], Shape(4)), indices: indices, geometry: g,
                                   into: gradInput)
        var expected = [Float](repeating: 0, count: 25)
        expected[12] = 10
        XCTAssertEqual(try engine.download(gradInput), expected)
    }

    func testAvgPoolForwardAndBackwardMatchNaive() throws {
        var random = TestRandom(seed: 22)
        for g in geometries {
            let input = random.floats(g.planes * g.height * g.width)
            let outputShape = Shape(g.batch, g.channels, g.outputHeight, g.outputWidth)
            let output = try engine.poisoned(outputShape)
            try engine.avgPool(try engine.tensor(input, Shape(input.count)), geometry: g, into: output)
            assertClose(try engine.download(output), NaiveReference.avgPool(input, geometry: g),
                        tolerance: 1e-5, "\(g)")

            let gradOutput = random.floats(outputShape.count)
            let gradInput = try engine.poisoned(Shape(input.count))
            try engine.avgPoolBackward(try engine.tensor(gradOutput, outputShape), geometry: g, into: gradInput)
            assertClose(try engine.download(gradInput), NaiveReference.avgPoolBackward(gradOutput, geometry: g),
                        tolerance: 1e-5, "\(g)")
        }
    }
}
