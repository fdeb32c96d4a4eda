import CPUEngine
import Engine
import XCTest

/// The CPU engine's fused convolution (per-sample unfold + GEMM per worker thread) and `addBiasActivate` against
/// the naive reference: direct convolution forward; im2col/GEMM/col2im written out naively for the backward pass.
/// Thread counts 1, 2 and 3 cover one worker, several workers, and more threads than some batches have samples.
final class CPUEngineFusedConvolutionTests: XCTestCase {
    private let geometries = [
        ConvolutionGeometry(batch: 1, channels: 1, height: 5, width: 5, kernelHeight: 1, kernelWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 3, height: 7, width: 9, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 3, channels: 2, height: 11, width: 8, kernelHeight: 5, kernelWidth: 5,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2),
        ConvolutionGeometry(batch: 1, channels: 4, height: 6, width: 10, kernelHeight: 3, kernelWidth: 2,
                            strideHeight: 1, strideWidth: 3, paddingHeight: 0, paddingWidth: 1),
        ConvolutionGeometry(batch: 5, channels: 3, height: 4, width: 4, kernelHeight: 3, kernelWidth: 3,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2),
        ConvolutionGeometry(batch: 4, channels: 6, height: 19, width: 19, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 3, channels: 5, height: 6, width: 7, kernelHeight: 1, kernelWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 3, height: 23, width: 21, kernelHeight: 11, kernelWidth: 11,
                            strideHeight: 4, strideWidth: 4, paddingHeight: 2, paddingWidth: 2),
        // Columns over 1 MiB per sample: unfolded in blocks of output rows (25 + 23, and 29 + 16, strided). 24
        // channels × 9 taps is past the direct kernels' 160, so the stride-1 one stays on the column path.
        ConvolutionGeometry(batch: 2, channels: 24, height: 48, width: 48, kernelHeight: 3, kernelWidth: 3,
                            paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 8, height: 90, width: 90, kernelHeight: 5, kernelWidth: 5,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2),
    ]
    private let activations: [Activation?] = [nil, .relu, .tanh, .leakyReLU(slope: 0.1)]

    func testForwardMatchesDirectConvolution() throws {
        var random = TestRandom(seed: 40)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads, winograd: false)
            for (index, g) in geometries.enumerated() {
                let filters = 3 + index % 3
                let activation = activations[index % activations.count]
                let input = random.floats(g.batch * g.channels * g.height * g.width)
                let weights = random.floats(filters * g.columnRows)
                let bias = index % 2 == 0 ? random.floats(filters) : nil
                let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
                try engine.convolutionForward(
                    try engine.tensor(input, Shape(input.count)),
                    weight: try engine.tensor(weights, Shape(weights.count)),
                    bias: try bias.map { try engine.tensor($0, Shape(filters)) }, activation: activation, geometry: g,
                    filters: filters, workspace: try workspace(engine, g, filters), into: output)
                var expected = NaiveReference.convolution(input, weights: weights, filters: filters, geometry: g)
                if let bias {
                    expected = NaiveReference.addBias(bias, to: expected, batch: g.batch, channels: filters,
                                                      spatial: g.outputHeight * g.outputWidth)
                }
                if let activation { expected = NaiveReference.activate(activation, expected) }
                assertClose(try engine.download(output), expected, tolerance: 1e-5, "\(threads) threads, \(g)")
            }
        }
    }

    func testBackwardMatchesNaiveGradients() throws {
        var random = TestRandom(seed: 41)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads, winograd: false)
            for (index, g) in geometries.enumerated() {
                try assertBackward(engine, g, filters: 2 + index % 4,
                                   activation: activations[(index + 1) % activations.count], withBias: index % 2 == 1,
                                   withInputGradient: true, &random)
            }
        }
    }

    /// A first layer computes no input gradient: stride-1 layers with few channels × taps then take the direct
    /// kernels, the others the column path without its input half. Output rows of 28 and 20 take the kernels' vector
    /// paths, with ReLU fused and with tanh applied apart.
    func testWeightGradientsWithoutInputGradientMatchNaiveGradients() throws {
        var random = TestRandom(seed: 43)
        let wide = [
            ConvolutionGeometry(batch: 5, channels: 1, height: 28, width: 28, kernelHeight: 5, kernelWidth: 5,
                                paddingHeight: 2, paddingWidth: 2),
            ConvolutionGeometry(batch: 3, channels: 3, height: 32, width: 20, kernelHeight: 3, kernelWidth: 3,
                                paddingHeight: 1, paddingWidth: 1),
        ]
        let firstLayers = geometries.enumerated().map { ($1, activations[$0 % activations.count]) }
            + wide.flatMap { g in [Activation.relu, .tanh].map { (g, Optional($0)) } }
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads, winograd: false)
            for (index, (g, activation)) in firstLayers.enumerated() {
                try assertBackward(engine, g, filters: 3 + index % 7, activation: activation, withBias: true,
                                   withInputGradient: false, &random)
            }
        }
    }

    /// A direct layer whose own scratch is larger than the column path's (20 filters' output planes against 150
    /// taps × 6 rows): the column path's backward, for the input gradient, must step by the larger per-worker size.
    func testDirectLayerWithTheLargerScratchMatchesNaiveGradients() throws {
        var random = TestRandom(seed: 44)
        let g = ConvolutionGeometry(batch: 5, channels: 6, height: 6, width: 6, kernelHeight: 5, kernelWidth: 5,
                                    paddingHeight: 2, paddingWidth: 2)
        for threads in [1, 2, 3, 8] {
            let engine = CPUEngine(threads: threads, winograd: false)
            for (index, activation) in activations.enumerated() {
                try assertBackward(engine, g, filters: 20, activation: activation, withBias: true,
                                   withInputGradient: index % 2 == 0, &random)
            }
        }
    }

    /// The direct weight gradient sums each worker's fixed block of samples in a fixed order: two runs of the same
    /// pass agree to the bit.
    func testDirectWeightGradientIsRepeatable() throws {
        let g = ConvolutionGeometry(batch: 9, channels: 1, height: 28, width: 28, kernelHeight: 5, kernelWidth: 5,
                                    paddingHeight: 2, paddingWidth: 2)
        let engine = CPUEngine(threads: 2, winograd: false)
        var first = TestRandom(seed: 45)
        var second = first
        let one = try ConvolutionPass(engine, g, filters: 32, activation: .relu, inputGradient: false, &first)
        let two = try ConvolutionPass(engine, g, filters: 32, activation: .relu, inputGradient: false, &second)
        XCTAssertEqual(one.gradWeight, two.gradWeight)
        XCTAssertEqual(one.gradBias, two.gradBias)
    }

    func testAddBiasActivateMatchesComposedOps() throws {
        var random = TestRandom(seed: 42)
        let engine = CPUEngine(threads: 2)
        for (batch, channels, spatial) in [(3, 5, 1), (64, 1024, 1), (2, 3, 17), (8, 32, 196)] {
            for activation in [nil, .relu, .sigmoid] as [Activation?] {
                let values = random.floats(batch * channels * spatial)
                let bias = random.floats(channels)
                let tensor = try engine.tensor(values, Shape(values.count))
                try engine.addBiasActivate(try engine.tensor(bias, Shape(channels)), activation: activation,
                                           to: tensor, batch: batch, channels: channels, spatial: spatial)
                var expected = NaiveReference.addBias(bias, to: values, batch: batch, channels: channels,
                                                      spatial: spatial)
                if let activation { expected = NaiveReference.activate(activation, expected) }
                assertClose(try engine.download(tensor), expected, tolerance: 1e-6,
                            "\(batch)×\(channels)×\(spatial)")
            }
        }
    }

    func testWorkspaceIsPerWorkerNotPerBatch() {
        let engine = CPUEngine(threads: 2, winograd: false)
        let g = ConvolutionGeometry(batch: 64, channels: 32, height: 14, width: 14, kernelHeight: 5, kernelWidth: 5,
                                    paddingHeight: 2, paddingWidth: 2)
        let shapes = engine.convolutionWorkspace(geometry: g, filters: 64)
        XCTAssertEqual(shapes.count, 1)
        XCTAssertEqual(shapes.first?[0], 2)
        // Far below the batched column matrix the default implementation needs.
        XCTAssertLessThan(shapes.first?.count ?? .max, g.columnRows * g.columnCount / 10)
    }

    /// Checks one `ConvolutionPass`'s dW, db (when `withBias`) and dX (when `withInputGradient`).
    private func assertBackward(_ engine: CPUEngine, _ g: ConvolutionGeometry, filters: Int, activation: Activation?,
                                withBias: Bool, withInputGradient: Bool, _ random: inout TestRandom) throws {
        let pass = try ConvolutionPass(engine, g, filters: filters, activation: activation, bias: withBias,
                                       inputGradient: withInputGradient, &random)
        let what = "\(engine.threads) threads, \(String(describing: activation)), \(g)"
        assertClose(pass.gradWeight, pass.expectedWeight, tolerance: 1e-4, "dW \(what)")
        if let gradInput = pass.gradInput {
            assertClose(gradInput, pass.expectedInput, tolerance: 1e-5, "dX \(what)")
        }
        if let gradBias = pass.gradBias { assertClose(gradBias, pass.expectedBias, tolerance: 1e-4, "db \(what)") }
    }

    private func workspace(_ engine: CPUEngine, _ g: ConvolutionGeometry, _ filters: Int) throws -> [Tensor] {
        try engine.convolutionWorkspace(geometry: g, filters: filters).map { try engine.poisoned($0) }
    }
}
