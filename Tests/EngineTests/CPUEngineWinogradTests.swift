import CPUEngine
import Engine
import XCTest

/// The CPU engine's Winograd convolution (F(4×4, 3×3) and F(4×4, 5×5)) against the naive reference: forward,
/// kernel, bias and input gradients, on tiles that overhang the output, outputs smaller than one tile, chunks that
/// split a worker's samples (a partial chunk last), more threads than samples, and strided layers split into phase
/// channels (kernels that split with zero taps, input pixels no window reads). The error bound is relative to
/// the largest value: Winograd reorders the sums and scales by the transform matrices, so it is not bitwise equal
/// to direct convolution, but stays within a few float roundings of it.
final class CPUEngineWinogradTests: XCTestCase {
    private let cases: [(ConvolutionGeometry, filters: Int)] = [
        (ConvolutionGeometry(batch: 3, channels: 16, height: 9, width: 11, kernelHeight: 3, kernelWidth: 3,
                             paddingHeight: 1, paddingWidth: 1), 16),
        (ConvolutionGeometry(batch: 5, channels: 17, height: 13, width: 13, kernelHeight: 3, kernelWidth: 3), 20),
        (ConvolutionGeometry(batch: 4, channels: 16, height: 14, width: 14, kernelHeight: 5, kernelWidth: 5,
                             paddingHeight: 2, paddingWidth: 2), 24),
        (ConvolutionGeometry(batch: 2, channels: 18, height: 7, width: 6, kernelHeight: 5, kernelWidth: 5), 16),
        (ConvolutionGeometry(batch: 9, channels: 16, height: 30, width: 30, kernelHeight: 3, kernelWidth: 3,
                             paddingHeight: 1, paddingWidth: 1), 16),
        (ConvolutionGeometry(batch: 1, channels: 16, height: 10, width: 3, kernelHeight: 3, kernelWidth: 3,
                             paddingHeight: 2, paddingWidth: 0), 17),
        // 16 tiles per sample, so chunks of 4 samples: one thread gets chunks of 4, 4 and 2.
        (ConvolutionGeometry(batch: 10, channels: 16, height: 14, width: 14, kernelHeight: 3, kernelWidth: 3,
                             paddingHeight: 1, paddingWidth: 1), 16),
    ]
    /// Strided layers that run as Winograd over phase channels.
    private let phaseSplitCases: [(ConvolutionGeometry, filters: Int)] = [
        // AlexNet's conv1 in small: 11×11 stride 4 over 3 channels → 3×3 over 48.
        (ConvolutionGeometry(batch: 3, channels: 3, height: 27, width: 27, kernelHeight: 11, kernelWidth: 11,
                             strideHeight: 4, strideWidth: 4, paddingHeight: 2, paddingWidth: 2), 16),
        (ConvolutionGeometry(batch: 2, channels: 4, height: 13, width: 11, kernelHeight: 5, kernelWidth: 5,
                             strideHeight: 2, strideWidth: 2, paddingHeight: 2, paddingWidth: 2), 17),
        // 10×10 stride 2 → 5×5 (F(4×4, 5×5)).
        (ConvolutionGeometry(batch: 2, channels: 4, height: 20, width: 20, kernelHeight: 10, kernelWidth: 10,
                             strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1), 16),
        // The last two rows and columns are read by no window: their input gradient is 0.
        (ConvolutionGeometry(batch: 3, channels: 2, height: 14, width: 14, kernelHeight: 9, kernelWidth: 9,
                             strideHeight: 3, strideWidth: 3), 16),
    ]
    /// Largest error allowed, relative to the largest expected magnitude.
    private let bound: Float = 2e-5

    func testTheseGeometriesTakeTheWinogradPath() {
        let (winograd, direct) = (CPUEngine(threads: 2, winograd: true), CPUEngine(threads: 2, winograd: false))
        for (g, filters) in cases {
            XCTAssertEqual(winograd.convolutionWorkspace(geometry: g, filters: filters).count, 2, "\(g)")
            XCTAssertEqual(direct.convolutionWorkspace(geometry: g, filters: filters).count, 1, "\(g)")
        }
        // Phase split: the inner Winograd workspace, the split kernel and the split input's gradient.
        for (g, filters) in phaseSplitCases {
            XCTAssertEqual(winograd.convolutionWorkspace(geometry: g, filters: filters).count, 4, "\(g)")
            XCTAssertEqual(direct.convolutionWorkspace(geometry: g, filters: filters).count, 1, "\(g)")
        }
        // Too few channels, a stride that splits a 3×3 kernel into 2×2, or a kernel without a transform: the
        // column path or the direct kernels, one scratch tensor either way.
        for g in [
            ConvolutionGeometry(batch: 2, channels: 8, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3),
            ConvolutionGeometry(batch: 2, channels: 16, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3,
                                strideHeight: 2, strideWidth: 2),
            ConvolutionGeometry(batch: 2, channels: 16, height: 9, width: 9, kernelHeight: 7, kernelWidth: 7),
        ] {
            XCTAssertEqual(winograd.convolutionWorkspace(geometry: g, filters: 16).count, 1, "\(g)")
        }
    }

    func testForwardMatchesDirectConvolution() throws {
        var random = TestRandom(seed: 50)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads, winograd: true)
            for (index, (g, filters)) in (cases + phaseSplitCases).enumerated() {
                let activation: Activation? = index % 2 == 0 ? .relu : nil
                let input = random.floats(g.batch * g.channels * g.height * g.width)
                let weights = random.floats(filters * g.columnRows)
                let bias = random.floats(filters)
                let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
                try engine.convolutionForward(
                    try engine.tensor(input, Shape(input.count)),
                    weight: try engine.tensor(weights, Shape(weights.count)),
                    bias: try engine.tensor(bias, Shape(filters)), activation: activation, geometry: g,
                    filters: filters, workspace: try workspace(engine, g, filters), into: output)
                var expected = NaiveReference.addBias(
                    bias, to: NaiveReference.convolution(input, weights: weights, filters: filters, geometry: g),
                    batch: g.batch, channels: filters, spatial: g.outputHeight * g.outputWidth)
                if let activation { expected = NaiveReference.activate(activation, expected) }
                assertWithinBound(try engine.download(output), expected, "Y, \(threads) threads, \(g)")
            }
        }
    }

    func testBackwardMatchesNaiveGradients() throws {
        var random = TestRandom(seed: 51)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads, winograd: true)
            for (index, (g, filters)) in (cases + phaseSplitCases).enumerated() {
                let activation: Activation? = index % 2 == 1 ? .relu : nil
                let pass = try ConvolutionPass(engine, g, filters: filters, activation: activation, &random)
                let what = "\(threads) threads, \(g)"
                assertWithinBound(pass.gradWeight, pass.expectedWeight, "dW \(what)")
                assertWithinBound(pass.gradInput ?? [], pass.expectedInput, "dX \(what)")
                assertWithinBound(pass.gradBias ?? [], pass.expectedBias, "db \(what)")
            }
        }
    }

    /// Many threads against odd batches: chunks claimed in the forward pass, fewer chunks than workers (batch 17 on
    /// 16 threads: 9 chunks of 2 samples; batch 11 on 5 and 8 threads), with and without the transformed-input cache.
    func testManyThreadsAndOddBatchesMatchNaive() throws {
        var random = TestRandom(seed: 77)
        let geometries = [
            ConvolutionGeometry(batch: 17, channels: 16, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3,
                                paddingHeight: 1, paddingWidth: 1),
            ConvolutionGeometry(batch: 7, channels: 16, height: 6, width: 6, kernelHeight: 3, kernelWidth: 3,
                                paddingHeight: 1, paddingWidth: 1),
            ConvolutionGeometry(batch: 11, channels: 16, height: 14, width: 14, kernelHeight: 3, kernelWidth: 3,
                                paddingHeight: 1, paddingWidth: 1),
        ]
        let filters = 16
        for g in geometries {
            let spatial = g.outputHeight * g.outputWidth
            let input = random.floats(g.batch * g.channels * g.height * g.width)
            let weights = random.floats(filters * g.columnRows)
            let bias = random.floats(filters)
            let gradOutput = random.floats(g.batch * filters * spatial)
            let expectedOutput = NaiveReference.addBias(
                bias, to: NaiveReference.convolution(input, weights: weights, filters: filters, geometry: g),
                batch: g.batch, channels: filters, spatial: spatial)
            let expected = NaiveReference.convolutionGradients(gradOutput, input: input, weights: weights,
                                                                filters: filters, geometry: g)
            let expectedBias = NaiveReference.biasGradient(gradOutput, batch: g.batch, channels: filters,
                                                           spatial: spatial)
            for threads in [4, 5, 8, 16] {
                for cache in [256 << 20, 0] {
                    let what = "\(threads) threads, cache \(cache), \(g)"
                    let engine = CPUEngine(threads: threads, winograd: true, winogradCacheBytes: cache)
                    let inputTensor = try engine.tensor(input, Shape(input.count))
                    let weightTensor = try engine.tensor(weights, Shape(weights.count))
                    let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
                    let workspace = try workspace(engine, g, filters)
                    try engine.convolutionForward(inputTensor, weight: weightTensor,
                                                  bias: try engine.tensor(bias, Shape(filters)), activation: nil,
                                                  geometry: g, filters: filters, workspace: workspace, into: output)
                    assertWithinBound(try engine.download(output), expectedOutput, "Y, \(what)")
                    let gradients = try backward(engine, gradOutput, input: inputTensor, output: output,
                                                 weight: weightTensor, activation: nil, g, filters: filters,
                                                 workspace: workspace)
                    assertWithinBound(gradients.weight, expected.weight, "dW, \(what)")
                    assertWithinBound(gradients.input, expected.input, "dX, \(what)")
                    assertWithinBound(gradients.bias, expectedBias, "db, \(what)")
                }
            }
        }
    }

    /// Winograd and im2col + GEMM engines agree on the same layer, forward and backward, without a gradient for
    /// the input (the first layer's case, which skips the input-gradient products).
    func testAgreesWithTheGEMMPathWithoutInputGradient() throws {
        var random = TestRandom(seed: 52)
        let g = ConvolutionGeometry(batch: 6, channels: 16, height: 12, width: 12, kernelHeight: 5, kernelWidth: 5,
                                    paddingHeight: 2, paddingWidth: 2)
        let filters = 32
        let input = random.floats(g.batch * g.channels * g.height * g.width)
        let weights = random.floats(filters * g.columnRows)
        let gradOutput = random.floats(g.batch * filters * g.outputHeight * g.outputWidth)
        var results: [[Float]] = []
        for engine in [CPUEngine(threads: 2, winograd: true), CPUEngine(threads: 2, winograd: false)] {
            let (inputTensor, weightTensor) = (try engine.tensor(input, Shape(input.count)),
                                               try engine.tensor(weights, Shape(weights.count)))
            let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
            let workspace = try workspace(engine, g, filters)
            try engine.convolutionForward(inputTensor, weight: weightTensor, bias: nil, activation: .relu,
                                          geometry: g, filters: filters, workspace: workspace, into: output)
            let gradWeight = try engine.poisoned(Shape(weights.count))
            try engine.convolutionBackward(
                try engine.tensor(gradOutput, Shape(gradOutput.count)), input: inputTensor, output: output,
                weight: weightTensor, activation: .relu, geometry: g, filters: filters, workspace: workspace,
                gradWeight: gradWeight, gradBias: nil, gradInput: nil)
            results.append(try engine.download(output) + engine.download(gradWeight))
        }
        assertWithinBound(results[0], results[1], "Winograd vs GEMM")
    }

    /// Without room to keep the transformed inputs, the backward pass transforms them again: same results, bit for
    /// bit, for a stride-1 layer (whose workspace shrinks: its workers have several chunks) and for phase-split ones,
    /// whose backward pass then reads the strided input's phases again.
    func testBackwardWithoutTheInputCacheMatches() throws {
        try assertBackwardWithoutTheInputCacheMatches(
            ConvolutionGeometry(batch: 10, channels: 16, height: 14, width: 14, kernelHeight: 5, kernelWidth: 5,
                                paddingHeight: 2, paddingWidth: 2), filters: 16, smallerWorkspace: true)
        for (g, filters) in [phaseSplitCases[0], phaseSplitCases[3]] {
            try assertBackwardWithoutTheInputCacheMatches(g, filters: filters, smallerWorkspace: false)
        }
    }

    private func assertBackwardWithoutTheInputCacheMatches(_ g: ConvolutionGeometry, filters: Int,
                                                           smallerWorkspace: Bool) throws {
        var random = TestRandom(seed: 53)
        let input = random.floats(g.batch * g.channels * g.height * g.width)
        let weights = random.floats(filters * g.columnRows)
        let gradOutput = random.floats(g.batch * filters * g.outputHeight * g.outputWidth)
        var results: [[Float]] = []
        var sizes: [Int] = []
        let engines = [CPUEngine(threads: 2, winograd: true), CPUEngine(threads: 2, winograd: true, winogradCacheBytes: 0)]
        for engine in engines {
            let (inputTensor, weightTensor) = (try engine.tensor(input, Shape(input.count)),
                                               try engine.tensor(weights, Shape(weights.count)))
            let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
            let workspace = try workspace(engine, g, filters)
            sizes.append(workspace.map(\.shape.count).reduce(0, +))
            try engine.convolutionForward(inputTensor, weight: weightTensor, bias: nil, activation: nil,
                                          geometry: g, filters: filters, workspace: workspace, into: output)
            let (gradWeight, gradBias, gradInput) = (try engine.poisoned(Shape(weights.count)),
                                                     try engine.poisoned(Shape(filters)),
                                                     try engine.poisoned(Shape(input.count)))
            try engine.convolutionBackward(
                try engine.tensor(gradOutput, Shape(gradOutput.count)), input: inputTensor, output: output,
                weight: weightTensor, activation: nil, geometry: g, filters: filters, workspace: workspace,
                gradWeight: gradWeight, gradBias: gradBias, gradInput: gradInput)
            results.append(try engine.download(output) + engine.download(gradWeight) + engine.download(gradBias)
                           + engine.download(gradInput))
        }
        XCTAssertEqual(results[0], results[1], "\(g)")
        if smallerWorkspace { XCTAssertLessThan(sizes[1], sizes[0], "\(g)") }
    }

    func testWorkspaceIsSmallerThanTheColumnMatrix() {
        let engine = CPUEngine(threads: 2, winograd: true)
        let g = ConvolutionGeometry(batch: 64, channels: 32, height: 14, width: 14, kernelHeight: 5, kernelWidth: 5,
                                    paddingHeight: 2, paddingWidth: 2)
        let shapes = engine.convolutionWorkspace(geometry: g, filters: 64)
        XCTAssertEqual(shapes.count, 2)
        XCTAssertEqual(shapes.first?[0], 2)
        // Per worker, one chunk of a few samples at a time, plus the transformed inputs the forward pass keeps for
        // the backward pass (64/16 = 4× the input here, with the tiles' overhang 16²/14²): half the batch's im2col
        // column matrix (25× the input) is a generous bound.
        XCTAssertLessThan(shapes.map(\.count).reduce(0, +), g.columnRows * g.columnCount / 2)
    }

    private func assertWithinBound(_ actual: [Float], _ expected: [Float], _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let scale = expected.map(abs).max() ?? 0
        let error = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        XCTAssertFalse(actual.contains { !$0.isFinite }, "\(what): non-finite values", file: file, line: line)
        XCTAssertLessThanOrEqual(error, bound * max(scale, 1e-30), "\(what): relative error \(error / scale)",
                                 file: file, line: line)
        if ProcessInfo.processInfo.environment["DLTRAIN_PRINT_ERRORS"] != nil { print("\(what): \(error / scale)") }
    }

    /// `convolutionBackward` into fresh NaN-filled gradients, downloaded.
    private func backward(_ engine: CPUEngine, _ gradOutput: [Float], input: Tensor, output: Tensor, weight: Tensor,
                          activation: Activation?, _ g: ConvolutionGeometry, filters: Int, workspace: [Tensor]) throws
        -> (weight: [Float], bias: [Float], input: [Float]) {
        let gradWeight = try engine.poisoned(Shape(weight.count))
        let gradBias = try engine.poisoned(Shape(filters))
        let gradInput = try engine.poisoned(Shape(input.count))
        try engine.convolutionBackward(
            try engine.tensor(gradOutput, Shape(gradOutput.count)), input: input, output: output, weight: weight,
            activation: activation, geometry: g, filters: filters, workspace: workspace, gradWeight: gradWeight,
            gradBias: gradBias, gradInput: gradInput)
        return (try engine.download(gradWeight), try engine.download(gradBias), try engine.download(gradInput))
    }

    private func workspace(_ engine: CPUEngine, _ g: ConvolutionGeometry, _ filters: Int) throws -> [Tensor] {
        try engine.convolutionWorkspace(geometry: g, filters: filters).map { try engine.poisoned($0) }
    }
}
