import CPUEngine
import Engine
import XCTest

/// im2col/col2im, layout transposes and bias ops. Data movement is exact; sums use 1e-5 relative, and 1e-4 for
/// the bias gradient's sums of up to 6,000 terms (float partial sums that largely cancel).
final class CPUEngineConvolutionTests: XCTestCase {
    private let engine = CPUEngine(threads: 3)

    /// Awkward geometries: 1×1, 3×3, 5×5 and non-square kernels, stride 2, padding, batch 1, odd sizes, and one
    /// large enough to split across threads.
    private let geometries = [
        ConvolutionGeometry(batch: 1, channels: 1, height: 5, width: 5, kernelHeight: 1, kernelWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 3, height: 7, width: 9, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 3, channels: 2, height: 11, width: 8, kernelHeight: 5, kernelWidth: 5,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2),
        ConvolutionGeometry(batch: 1, channels: 4, height: 6, width: 10, kernelHeight: 3, kernelWidth: 2,
                            strideHeight: 1, strideWidth: 3, paddingHeight: 0, paddingWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 1, height: 4, width: 4, kernelHeight: 3, kernelWidth: 3,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2),
        ConvolutionGeometry(batch: 4, channels: 6, height: 19, width: 19, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
    ]

    func testIm2colMatchesNaive() throws {
        var random = TestRandom(seed: 10)
        for g in geometries {
            let input = random.floats(g.batch * g.channels * g.height * g.width)
            let columns = try engine.poisoned(Shape(g.columnRows, g.columnCount))
            try engine.im2col(try engine.tensor(input, Shape(input.count)), geometry: g, into: columns)
            XCTAssertEqual(try engine.download(columns), NaiveReference.im2col(input, geometry: g), "\(g)")
        }
    }

    func testIm2colThenGEMMEqualsDirectConvolution() throws {
        var random = TestRandom(seed: 11)
        let filters = 5
        for g in geometries {
            let input = random.floats(g.batch * g.channels * g.height * g.width)
            let weights = random.floats(filters * g.columnRows)
            let columns = try engine.makeTensor(Shape(g.columnRows, g.columnCount), label: "columns")
            try engine.im2col(try engine.tensor(input, Shape(input.count)), geometry: g, into: columns)
            // [F, C·K·K] · [C·K·K, N·OH·OW] = [F, N·OH·OW], then to NCHW.
            let product = try engine.poisoned(Shape(filters, g.columnCount))
            try engine.gemm(transposeA: false, transposeB: false, m: filters, n: g.columnCount, k: g.columnRows,
                            alpha: 1, a: try engine.tensor(weights, Shape(weights.count)), aOffset: 0,
                            lda: g.columnRows, b: columns, bOffset: 0, ldb: g.columnCount,
                            beta: 0, c: product, cOffset: 0, ldc: g.columnCount)
            let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
            try engine.channelMajorToBatchMajor(product, into: output, batch: g.batch, channels: filters,
                                                spatial: g.outputHeight * g.outputWidth)
            let expected = NaiveReference.convolution(input, weights: weights, filters: filters, geometry: g)
            assertClose(try engine.download(output), expected, tolerance: 1e-5, "\(g)")
        }
    }

    func testCol2imMatchesNaive() throws {
        var random = TestRandom(seed: 12)
        for g in geometries {
            let columns = random.floats(g.columnRows * g.columnCount)
            let gradInput = try engine.poisoned(Shape(g.batch, g.channels, g.height, g.width))
            try engine.col2im(try engine.tensor(columns, Shape(columns.count)), geometry: g, into: gradInput)
            assertClose(try engine.download(gradInput), NaiveReference.col2im(columns, geometry: g),
                        tolerance: 1e-5, "\(g)")
        }
    }

    /// ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for random `x` and `c`.
    func testCol2imIsTheAdjointOfIm2col() throws {
        var random = TestRandom(seed: 13)
        for g in geometries {
            let x = random.floats(g.batch * g.channels * g.height * g.width)
            let c = random.floats(g.columnRows * g.columnCount)
            let columns = try engine.makeTensor(Shape(c.count), label: "columns")
            let folded = try engine.makeTensor(Shape(x.count), label: "folded")
            try engine.im2col(try engine.tensor(x, Shape(x.count)), geometry: g, into: columns)
            try engine.col2im(try engine.tensor(c, Shape(c.count)), geometry: g, into: folded)
            let left = zip(try engine.download(columns), c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x, try engine.download(folded)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(left, right, accuracy: 1e-4 * max(1, abs(left)), "\(g)")
        }
    }

    func testLayoutTransposesMatchNaiveAndInvertEachOther() throws {
        var random = TestRandom(seed: 14)
        for (batch, channels, spatial) in [(1, 1, 1), (3, 5, 7), (2, 17, 1), (8, 16, 300)] {
            let source = random.floats(batch * channels * spatial)
            let channelMajor = try engine.poisoned(Shape(source.count))
            let back = try engine.poisoned(Shape(source.count))
            try engine.batchMajorToChannelMajor(try engine.tensor(source, Shape(source.count)), into: channelMajor,
                                                batch: batch, channels: channels, spatial: spatial)
            try engine.channelMajorToBatchMajor(channelMajor, into: back,
                                                batch: batch, channels: channels, spatial: spatial)
            XCTAssertEqual(try engine.download(channelMajor), NaiveReference.batchMajorToChannelMajor(
                source, batch: batch, channels: channels, spatial: spatial))
            XCTAssertEqual(try engine.download(back), source)
        }
    }

    func testAddBiasAndBiasGradientMatchNaive() throws {
        var random = TestRandom(seed: 15)
        for (batch, channels, spatial) in [(1, 1, 1), (3, 5, 7), (64, 10, 1), (4, 9, 1_500)] {
            let (values, bias) = (random.floats(batch * channels * spatial), random.floats(channels))
            let tensor = try engine.tensor(values, Shape(values.count))
            try engine.addBias(try engine.tensor(bias, Shape(channels)), to: tensor,
                               batch: batch, channels: channels, spatial: spatial)
            XCTAssertEqual(try engine.download(tensor), NaiveReference.addBias(
                bias, to: values, batch: batch, channels: channels, spatial: spatial))

            let gradBias = try engine.poisoned(Shape(channels))
            try engine.biasGradient(try engine.tensor(values, Shape(values.count)), batch: batch,
                                    channels: channels, spatial: spatial, into: gradBias)
            assertClose(try engine.download(gradBias), NaiveReference.biasGradient(
                values, batch: batch, channels: channels, spatial: spatial), tolerance: 1e-4)
        }
    }
}
