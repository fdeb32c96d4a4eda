import CVectorKernels
import Engine
import XCTest

/// `dl_direct_conv_forward` and `dl_direct_conv_weight_gradient` against the naive reference: channel counts 1–3,
/// square and rectangular kernels (1×3 to 7×7, one wider than the 5-tap blocks), paddings 0–3, output rows shorter
/// than a vector and longer than two, filter counts off the 8- and 4-filter blocks, bias and fused ReLU, the ReLU
/// mask and bias sums of the weight gradient, and sums accumulated over several samples. Scratch and outputs start
/// as NaN so that a value read before it is written, or a grid lane that leaks, shows.
final class DirectConvolutionKernelTests: XCTestCase {
    private let geometries = [
        ConvolutionGeometry(batch: 2, channels: 1, height: 28, width: 28, kernelHeight: 5, kernelWidth: 5,
                            paddingHeight: 2, paddingWidth: 2),
        ConvolutionGeometry(batch: 3, channels: 3, height: 9, width: 7, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 1, channels: 2, height: 5, width: 40, kernelHeight: 1, kernelWidth: 3),
        ConvolutionGeometry(batch: 2, channels: 1, height: 30, width: 17, kernelHeight: 7, kernelWidth: 7,
                            paddingHeight: 3, paddingWidth: 3),
        ConvolutionGeometry(batch: 2, channels: 3, height: 6, width: 6, kernelHeight: 2, kernelWidth: 4,
                            paddingHeight: 0, paddingWidth: 2),
        ConvolutionGeometry(batch: 1, channels: 1, height: 3, width: 3, kernelHeight: 3, kernelWidth: 3),
    ]

    func testForwardMatchesTheNaiveConvolution() {
        var random = TestRandom(seed: 90)
        for (index, g) in geometries.enumerated() {
            for filters in [1, 5, 8, 13] {
                let input = random.floats(g.batch * g.channels * g.height * g.width)
                let weights = random.floats(filters * g.columnRows)
                let bias = index % 2 == 0 ? random.floats(filters) : nil
                let relu = filters % 2 == 1
                let packed = pack(weights, filters, g)
                let spatial = g.outputHeight * g.outputWidth
                var scratch = nanScratch(g, filters)
                var output = [Float](repeating: .nan, count: g.batch * filters * spatial)
                let sampleSize = g.channels * g.height * g.width
                for n in 0..<g.batch {
                    input.withUnsafeBufferPointer { x in
                        output.withUnsafeMutableBufferPointer { y in
                            dl_direct_conv_forward(x.baseAddress! + n * sampleSize, Int32(g.channels),
                                                   Int32(g.height), Int32(g.width), packed, bias, relu ? 1 : 0,
                                                   Int32(filters), Int32(g.kernelHeight), Int32(g.kernelWidth),
                                                   Int32(g.paddingHeight), Int32(g.paddingWidth), &scratch,
                                                   y.baseAddress! + n * filters * spatial)
                        }
                    }
                }
                var expected = NaiveReference.convolution(input, weights: weights, filters: filters, geometry: g)
                if let bias {
                    expected = NaiveReference.addBias(bias, to: expected, batch: g.batch, channels: filters,
                                                      spatial: spatial)
                }
                if relu { expected = NaiveReference.activate(.relu, expected) }
                assertClose(output, expected, tolerance: 1e-5, "forward \(g), \(filters) filters")
            }
        }
    }

    /// A NaN reaching the fused ReLU stays NaN, as in the engine's other ReLU kernels (a NaN bias here: every
    /// output of that filter, in the vector rows and the scalar ones), so that training sees non-finite values.
    func testForwardReLUPassesNaN() {
        for g in [geometries[0], geometries[5]] {
            let filters = 3
            let spatial = g.outputHeight * g.outputWidth
            let input = [Float](repeating: 0.5, count: g.channels * g.height * g.width)
            let weights = [Float](repeating: -0.25, count: filters * g.columnRows)
            var scratch = nanScratch(g, filters)
            var output = [Float](repeating: 7, count: filters * spatial)
            dl_direct_conv_forward(input, Int32(g.channels), Int32(g.height), Int32(g.width),
                                   pack(weights, filters, g), [1, .nan, -50],
                                   1, Int32(filters), Int32(g.kernelHeight), Int32(g.kernelWidth),
                                   Int32(g.paddingHeight), Int32(g.paddingWidth), &scratch, &output)
            XCTAssertTrue(output[spatial..<2 * spatial].allSatisfy(\.isNaN), "\(g): NaN through the ReLU")
            XCTAssertTrue(output[2 * spatial..<3 * spatial].allSatisfy { $0 == 0 }, "\(g): negative sums clamped")
        }
    }

    func testWeightGradientMatchesTheNaiveGradient() {
        var random = TestRandom(seed: 91)
        for (index, g) in geometries.enumerated() {
            for filters in [1, 4, 6, 11] {
                let spatial = g.outputHeight * g.outputWidth
                let sampleSize = g.channels * g.height * g.width
                let input = random.floats(g.batch * sampleSize)
                let gradOutput = random.floats(g.batch * filters * spatial)
                // About half the outputs of a ReLU are 0; dZ must take dY only where the output is positive.
                let reluOutput = (index + filters) % 2 == 0
                    ? random.floats(g.batch * filters * spatial).map { max($0, 0) } : nil
                var scratch = nanScratch(g, filters)
                var biasGradient = [Float](repeating: 0, count: filters)
                var unwritten = gradOutput  // handed over as writable memory: the kernel must leave it as it is
                for n in 0..<g.batch {
                    input.withUnsafeBufferPointer { x in
                        unwritten.withUnsafeMutableBufferPointer { dy in
                            let mask = reluOutput.map { Array($0[n * filters * spatial..<(n + 1) * filters * spatial]) }
                            dl_direct_conv_weight_gradient(
                                x.baseAddress! + n * sampleSize, Int32(g.channels), Int32(g.height), Int32(g.width),
                                dy.baseAddress! + n * filters * spatial, mask, &biasGradient, Int32(filters),
                                Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.paddingHeight),
                                Int32(g.paddingWidth), n == 0 ? 1 : 0, &scratch)
                        }
                    }
                }
                var gradWeight = [Float](repeating: .nan, count: filters * g.columnRows)
                dl_direct_conv_finish_weight_gradient(Int32(g.channels), Int32(g.height), Int32(g.width),
                                                      Int32(filters), Int32(g.kernelHeight), Int32(g.kernelWidth),
                                                      Int32(g.paddingHeight), Int32(g.paddingWidth), scratch,
                                                      &gradWeight)
                let dz = reluOutput.map {
                    NaiveReference.activationBackward(.relu, output: $0, gradOutput: gradOutput)
                } ?? gradOutput
                let expected = NaiveReference.convolutionGradients(dz, input: input, weights: [Float](
                    repeating: 0, count: filters * g.columnRows), filters: filters, geometry: g)
                let what = "\(g), \(filters) filters, relu \(reluOutput != nil)"
                XCTAssertEqual(unwritten, gradOutput, "dY written: \(what)")
                assertClose(gradWeight, expected.weight, tolerance: 1e-4, "dW \(what)")
                assertClose(biasGradient, NaiveReference.biasGradient(dz, batch: g.batch, channels: filters,
                                                                      spatial: spatial),
                            tolerance: 1e-4, "db \(what)")
            }
        }
    }

    /// The weights as dl_direct_conv_pack_weights packs them, in a buffer of NaN so that unpacked lanes would show.
    private func pack(_ weights: [Float], _ filters: Int, _ g: ConvolutionGeometry) -> [Float] {
        var packed = [Float](repeating: .nan, count: dl_direct_conv_packed_floats(Int32(filters), Int32(g.columnRows)))
        dl_direct_conv_pack_weights(weights, Int32(filters), Int32(g.columnRows), &packed)
        return packed
    }

    private func nanScratch(_ g: ConvolutionGeometry, _ filters: Int) -> [Float] {
        let count = dl_direct_conv_scratch_floats(Int32(g.channels), Int32(g.height), Int32(g.width), Int32(filters),
                                                  Int32(g.kernelHeight), Int32(g.kernelWidth),
                                                  Int32(g.paddingHeight), Int32(g.paddingWidth))
        return [Float](repeating: .nan, count: count)
    }
}
