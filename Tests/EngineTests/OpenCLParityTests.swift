import CPUEngine
import Engine
@testable import OpenCLEngine
import XCTest

/// Every op of `OpenCLEngine` against `CPUEngine` on the same random inputs, with awkward shapes (odd sizes,
/// batch 1, 1×1 and 3×3 kernels, stride 2, padding, counts off the work-group size, overlapping windows).
///
/// Each case uploads the same initial values to both engines (outputs start as NaN, so an op that fails to
/// overwrite shows), runs the op, and compares every tensor afterwards within the op's stated tolerance:
/// `|opencl − cpu| ≤ tolerance·max(1, |cpu|)`.
final class OpenCLParityTests: XCTestCase {
    nonisolated(unsafe) private static var shared: Result<OpenCLEngine, Error>?

    override class func setUp() {
        super.setUp()
        shared = Result { try OpenCLEngine() }
    }

    override class func tearDown() {
        shared = nil
        super.tearDown()
    }

    private let cpu = CPUEngine(threads: 2)
    private var random = OpenCLTestInputs(seed: 42)

    private static let convolutionCases = [
        ConvolutionGeometry(batch: 1, channels: 3, height: 7, width: 5, kernelHeight: 3, kernelWidth: 3,
                            strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1),
        ConvolutionGeometry(batch: 3, channels: 2, height: 9, width: 11, kernelHeight: 1, kernelWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 5, height: 6, width: 7, kernelHeight: 3, kernelWidth: 2,
                            strideHeight: 2, strideWidth: 1, paddingHeight: 0, paddingWidth: 1),
        ConvolutionGeometry(batch: 2, channels: 1, height: 13, width: 13, kernelHeight: 5, kernelWidth: 5,
                            strideHeight: 1, strideWidth: 1, paddingHeight: 2, paddingWidth: 2),
    ]

    private static let poolingCases = [
        PoolingGeometry(batch: 2, channels: 3, height: 9, width: 7, size: 3, stride: 2, padding: 1),
        PoolingGeometry(batch: 1, channels: 5, height: 7, width: 7, size: 2, stride: 2),
        PoolingGeometry(batch: 3, channels: 2, height: 10, width: 13, size: 3, stride: 1, padding: 1),
    ]

    /// Runs `op` on both engines from `initial` values and compares every tensor afterwards.
    private func assertParity(_ what: String, tolerance: Float, _ initial: [[Float]],
                              file: StaticString = #filePath, line: UInt = #line,
                              _ op: (ComputeEngine, [Tensor]) throws -> Void) throws {
        let opencl = try XCTUnwrap(Self.shared).get()
        var results: [[[Float]]] = []
        for engine in [opencl, cpu] as [ComputeEngine] {
            let tensors = try initial.enumerated().map { index, values in
                let tensor = try engine.makeTensor(Shape(values.count), label: "\(what) #\(index)")
                try values.withUnsafeBufferPointer { try engine.upload($0, to: tensor) }
                return tensor
            }
            try op(engine, tensors)
            results.append(try tensors.map { try engine.download($0) })
        }
        for (index, (got, expected)) in zip(results[0], results[1]).enumerated() {
            assertClose(got, expected, tolerance: tolerance, "\(what), tensor #\(index)", file: file, line: line)
        }
    }

    private func assertClose(_ got: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                             file: StaticString, line: UInt) {
        XCTAssertEqual(got.count, expected.count, what, file: file, line: line)
        var failures = 0
        for (i, (g, e)) in zip(got, expected).enumerated() where !(abs(g - e) <= tolerance * max(1, abs(e))) {
            if g.isNaN && e.isNaN { continue }
            failures += 1
            if failures <= 3 {
                XCTFail("\(what)[\(i)]: opencl \(g), cpu \(e)", file: file, line: line)
            }
        }
        XCTAssertEqual(failures, 0, "\(what): \(failures) of \(got.count) entries differ", file: file, line: line)
    }

    private func nans(_ count: Int) -> [Float] { [Float](repeating: .nan, count: count) }

    func testGemmEveryTransposeWithOffsets() throws {
        let (m, n, k) = (37, 19, 70)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let lda = (transposeA ? m : k) + 1
            let ldb = transposeB ? k : n
            // Tolerance 1e-4: CLBlast and OpenBLAS sum 70 products in different orders.
            try assertParity("gemm A\(transposeA)B\(transposeB)", tolerance: 1e-4, [
                random.floats(3 + (transposeA ? k : m) * lda), random.floats((transposeB ? n : k) * ldb),
                random.floats(2 + m * n),
            ]) { engine, t in
                try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5,
                                a: t[0], aOffset: 3, lda: lda, b: t[1], bOffset: 0, ldb: ldb,
                                beta: 1, c: t[2], cOffset: 2, ldc: n)
            }
        }
    }

    /// A small output with a long k (a weight gradient's shape) takes the split-K path: three slices of 333 and
    /// a remainder of 2, summed into C with its own offset and leading dimension, for beta 1 and for beta 0 over NaN.
    func testGemmSplitAlongKMatchesEveryTranspose() throws {
        let opencl = try XCTUnwrap(Self.shared).get()
        let (m, n, k, ldc) = (13, 21, 1001, 24)
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: m, n: n, k: k, computeUnits: opencl.device.computeUnits), 3)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let lda = (transposeA ? m : k) + 2
            let ldb = (transposeB ? k : n) + 1
            for beta: Float in [1, 0] {
                let c = beta == 0 ? nans(5 + m * ldc) : random.floats(5 + m * ldc)
                // Tolerance 1e-4: sums of 1,001 products, in slices on one side and in OpenBLAS's order on the other.
                try assertParity("split-K gemm A\(transposeA)B\(transposeB) beta \(beta)", tolerance: 1e-4, [
                    random.floats(1 + (transposeA ? k : m) * lda), random.floats(4 + (transposeB ? n : k) * ldb), c,
                ]) { engine, t in
                    try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                    a: t[0], aOffset: 1, lda: lda, b: t[1], bOffset: 4, ldb: ldb,
                                    beta: beta, c: t[2], cOffset: 5, ldc: ldc)
                }
            }
        }
    }

    /// More split-K shapes: no remainder (k = 3·256), the 64-slice cap with a remainder, a single output, and
    /// beta other than 0 and 1.
    func testGemmSplitAlongKEdgeCases() throws {
        let opencl = try XCTUnwrap(Self.shared).get()
        for (m, n, k) in [(7, 9, 768), (5, 3, 64 * 256 + 63), (1, 1, 2_000), (70, 65, 4_096)] {
            let units = opencl.device.computeUnits
            XCTAssertGreaterThan(OpenCLEngine.splitKSlices(m: m, n: n, k: k, computeUnits: units), 1)
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (lda, ldb, ldc) = ((transposeA ? m : k) + 3, (transposeB ? k : n) + 2, n + 1)
                for beta: Float in [0.5, 0] {
                    let c = beta == 0 ? nans(2 + m * ldc) : random.floats(2 + m * ldc)
                    // Tolerance 3e-4: sums of up to 16,447 products in different orders.
                    try assertParity("split-K gemm \(m)×\(n)×\(k) A\(transposeA)B\(transposeB) beta \(beta)",
                                     tolerance: 3e-4, [
                        random.floats(3 + (transposeA ? k : m) * lda), random.floats(1 + (transposeB ? n : k) * ldb),
                        c,
                    ]) { engine, t in
                        try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.5,
                                        a: t[0], aOffset: 3, lda: lda, b: t[1], bOffset: 1, ldb: ldb,
                                        beta: beta, c: t[2], cOffset: 2, ldc: ldc)
                    }
                }
            }
        }
    }

    func testSplitKSlicesFillTheDeviceWithoutShortSlices() {
        // lenet5's first weight gradient (6 × 25, k = 64·28·28) on a 132-unit GPU: the cap of 64 slices.
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 6, n: 25, k: 50_176, computeUnits: 132), 64)
        // An output of 13 × 64-wide tiles wants ⌈4·132 / 13⌉ = 41 slices; k = 12,544 allows 49.
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 64, n: 800, k: 12_544, computeUnits: 132), 41)
        // Slices stay at least 256 long, and a GEMM that fills the device is not split.
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 6, n: 25, k: 700, computeUnits: 132), 2)
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 6, n: 25, k: 511, computeUnits: 132), 1)
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 1024, n: 1024, k: 65_536, computeUnits: 2), 1)
        XCTAssertEqual(OpenCLEngine.splitKSlices(m: 6, n: 25, k: 50_176, computeUnits: 0), 4)
    }

    func testIm2colAndCol2im() throws {
        for g in Self.convolutionCases {
            let inputCount = g.batch * g.channels * g.height * g.width
            let columnCount = g.columnRows * g.columnCount
            // Exact: im2col only moves values.
            try assertParity("im2col \(g)", tolerance: 0, [random.floats(inputCount), nans(columnCount)]) {
                try $0.im2col($1[0], geometry: g, into: $1[1])
            }
            // Tolerance 1e-6: col2im sums at most KH·KW entries, maybe in another order.
            try assertParity("col2im \(g)", tolerance: 1e-6, [random.floats(columnCount), nans(inputCount)]) {
                try $0.col2im($1[0], geometry: g, into: $1[1])
            }
        }
    }

    func testLayoutTransposesAndBias() throws {
        for (batch, channels, spatial) in [(1, 3, 25), (3, 7, 1), (5, 4, 37)] {
            let count = batch * channels * spatial
            try assertParity("channelMajorToBatchMajor", tolerance: 0, [random.floats(count), nans(count)]) {
                try $0.channelMajorToBatchMajor($1[0], into: $1[1], batch: batch, channels: channels, spatial: spatial)
            }
            try assertParity("batchMajorToChannelMajor", tolerance: 0, [random.floats(count), nans(count)]) {
                try $0.batchMajorToChannelMajor($1[0], into: $1[1], batch: batch, channels: channels, spatial: spatial)
            }
            try assertParity("addBias", tolerance: 0, [random.floats(channels), random.floats(count)]) {
                try $0.addBias($1[0], to: $1[1], batch: batch, channels: channels, spatial: spatial)
            }
            // Tolerance 1e-5: sums of up to 185 terms in tree order vs sequential.
            try assertParity("biasGradient", tolerance: 1e-5, [random.floats(count), nans(channels)]) {
                try $0.biasGradient($1[0], batch: batch, channels: channels, spatial: spatial, into: $1[1])
            }
        }
    }

    func testActivationsForwardAndBackward() throws {
        let count = 1001
        for activation in [Activation.relu, .leakyReLU(slope: 0.1), .sigmoid, .tanh] {
            // Tolerance 1e-6: exp/tanh differ by an ulp or two between PoCL and Glibc.
            try assertParity("activate \(activation)", tolerance: 1e-6, [random.floats(count, scale: 4), nans(count)]) {
                try $0.activate(activation, $1[0], into: $1[1])
            }
            try assertParity("activate \(activation) in place", tolerance: 1e-6, [random.floats(count, scale: 4)]) {
                try $0.activate(activation, $1[0], into: $1[0])
            }
            // The backward pass starts from each engine's own forward output.
            try assertParity("activationBackward \(activation)", tolerance: 1e-6,
                             [random.floats(count, scale: 4), nans(count), random.floats(count), nans(count)]) {
                try $0.activate(activation, $1[0], into: $1[1])
                try $0.activationBackward(activation, output: $1[1], gradOutput: $1[2], into: $1[3])
            }
        }
    }

    func testMaxAndAveragePooling() throws {
        for g in Self.poolingCases {
            let inputCount = g.planes * g.height * g.width
            let outputCount = g.planes * g.outputHeight * g.outputWidth
            let input = random.floats(inputCount)
            // Exact: maxima and their positions are picked, not computed.
            try assertParity("maxPool \(g)", tolerance: 0, [input, nans(outputCount), nans(outputCount)]) {
                try $0.maxPool($1[0], geometry: g, into: $1[1], indices: $1[2])
            }
            // Tolerance 1e-6: overlapping windows sum up to 9 gradients.
            try assertParity("maxPoolBackward \(g)", tolerance: 1e-6,
                             [input, nans(outputCount), nans(outputCount), random.floats(outputCount),
                              nans(inputCount)]) {
                try $0.maxPool($1[0], geometry: g, into: $1[1], indices: $1[2])
                try $0.maxPoolBackward($1[3], indices: $1[2], geometry: g, into: $1[4])
            }
            // A NaN first in every window (every pixel at an even row and column) wins in neither engine.
            var nanFirst = input
            for i in nanFirst.indices where (i % (g.height * g.width)) / g.width % 2 == 0 && i % g.width % 2 == 0 {
                nanFirst[i] = .nan
            }
            try assertParity("maxPool, NaN first, \(g)", tolerance: 0,
                             [nanFirst, nans(outputCount), nans(outputCount)]) {
                try $0.maxPool($1[0], geometry: g, into: $1[1], indices: $1[2])
            }
            try assertParity("maxPool without indices \(g)", tolerance: 0, [input, nans(outputCount)]) {
                try $0.maxPool($1[0], geometry: g, into: $1[1], indices: nil)
            }
            try assertParity("avgPool \(g)", tolerance: 1e-6, [input, nans(outputCount)]) {
                try $0.avgPool($1[0], geometry: g, into: $1[1])
            }
            try assertParity("avgPoolBackward \(g)", tolerance: 1e-6, [random.floats(outputCount), nans(inputCount)]) {
                try $0.avgPoolBackward($1[0], geometry: g, into: $1[1])
            }
        }
    }

    func testBatchNormalization() throws {
        for (batch, channels, spatial) in [(1, 3, 49), (4, 5, 1), (3, 2, 129)] {
            let count = batch * channels * spatial
            let input = random.floats(count, scale: 3).map { $0 + 0.5 }
            let gamma = random.floats(channels)
            let beta = random.floats(channels)
            let runningMean = random.floats(channels)
            let runningVariance = random.floats(channels).map { $0 + 1.5 }
            // Tolerance 1e-4: normalising divides by a standard deviation that may be small.
            try assertParity("batchNormTraining \(batch)x\(channels)x\(spatial)", tolerance: 1e-4,
                             [input, gamma, beta, runningMean, runningVariance, nans(channels), nans(channels),
                              nans(count)]) { engine, t in
                try engine.batchNormTraining(t[0], batch: batch, channels: channels, spatial: spatial,
                                             gamma: t[1], beta: t[2], epsilon: 1e-5, momentum: 0.1,
                                             runningMean: t[3], runningVariance: t[4],
                                             savedMean: t[5], savedInvStd: t[6], into: t[7])
            }
            try assertParity("batchNormInference", tolerance: 1e-5,
                             [input, gamma, beta, runningMean, runningVariance, nans(count)]) { engine, t in
                try engine.batchNormInference(t[0], batch: batch, channels: channels, spatial: spatial,
                                              gamma: t[1], beta: t[2], epsilon: 1e-5,
                                              runningMean: t[3], runningVariance: t[4], into: t[5])
            }
            // The backward pass starts from each engine's own saved statistics; without gradInput, dγ and dβ alone.
            for withGradInput in [true, false] {
                try assertParity("batchNormBackward, gradInput \(withGradInput)", tolerance: 1e-4,
                                 [input, gamma, beta, runningMean, runningVariance, nans(channels), nans(channels),
                                  nans(count), random.floats(count), nans(count), nans(channels), nans(channels)]) {
                    engine, t in
                    try engine.batchNormTraining(t[0], batch: batch, channels: channels, spatial: spatial,
                                                 gamma: t[1], beta: t[2], epsilon: 1e-5, momentum: 0.1,
                                                 runningMean: t[3], runningVariance: t[4],
                                                 savedMean: t[5], savedInvStd: t[6], into: t[7])
                    try engine.batchNormBackward(t[8], input: t[0], batch: batch, channels: channels,
                                                 spatial: spatial, gamma: t[1], savedMean: t[5], savedInvStd: t[6],
                                                 gradInput: withGradInput ? t[9] : nil, gradGamma: t[10],
                                                 gradBeta: t[11])
                }
            }
        }
    }

    func testDropoutMaskAndMultiply() throws {
        let count = 2053
        // Exact: the mask is integer arithmetic, the product one rounding.
        try assertParity("dropoutMask", tolerance: 0, [nans(count)]) {
            try $0.dropoutMask($1[0], rate: 0.45, seed: 0xFEED_F00D_0000_0001)
        }
        try assertParity("multiply", tolerance: 0, [random.floats(count), random.floats(count), nans(count)]) {
            try $0.multiply($1[0], $1[1], into: $1[2])
        }
        try assertParity("multiply in place", tolerance: 0, [random.floats(count), random.floats(count)]) {
            try $0.multiply($1[0], $1[1], into: $1[0])
        }
    }

    func testSoftmaxCrossEntropy() throws {
        for (batch, classes) in [(1, 10), (7, 3), (65, 101)] {
            let labels = (0..<batch).map { Float(($0 * 7 + 3) % classes) }
            var results: [LossResult] = []
            // Tolerance 1e-6 on the gradient: exp differs by an ulp or two.
            try assertParity("softmaxCrossEntropy \(batch)x\(classes)", tolerance: 1e-6,
                             [random.floats(batch * classes, scale: 5), labels, nans(batch * classes)]) {
                results.append(try $0.softmaxCrossEntropy(logits: $1[0], labels: $1[1], batch: batch,
                                                          classes: classes, gradLogits: $1[2]))
            }
            XCTAssertEqual(results[0].loss, results[1].loss, accuracy: 1e-5 * max(1, results[1].loss))
            XCTAssertEqual(results[0].correct, results[1].correct)
        }
    }

    func testSoftmaxCrossEntropyDownloadsOnlyTwoScalars() throws {
        let engine = try XCTUnwrap(Self.shared).get()
        let (batch, classes) = (33, 17)
        let logits = try engine.makeTensor(Shape(batch, classes), label: "logits")
        let labels = try engine.makeTensor(Shape(batch), label: "labels")
        let grad = try engine.makeTensor(Shape(batch, classes), label: "grad")
        try engine.fill(logits, with: 0.5)
        try engine.fill(labels, with: 2)
        let before = engine.transfers
        let result = try engine.softmaxCrossEntropy(logits: logits, labels: labels, batch: batch, classes: classes,
                                                    gradLogits: grad)
        XCTAssertEqual(result.loss, log(Float(classes)), accuracy: 1e-5)
        XCTAssertEqual(engine.transfers.downloads - before.downloads, 1)
        XCTAssertEqual(engine.transfers.bytesDownloaded - before.bytesDownloaded, 8)
        XCTAssertEqual(engine.transfers.uploads, before.uploads)
    }

    func testOptimizerSteps() throws {
        let count = 777
        for nesterov in [false, true] {
            try assertParity("sgdStep nesterov \(nesterov)", tolerance: 1e-6,
                             [random.floats(count), random.floats(count), random.floats(count)]) {
                try $0.sgdStep(parameter: $1[0], gradient: $1[1], velocity: $1[2], learningRate: 0.05,
                               momentum: 0.9, weightDecay: 5e-4, nesterov: nesterov)
            }
        }
        for decoupled in [false, true] {
            // Tolerance 1e-5: the bias corrections and the square root round differently.
            try assertParity("adamStep decoupled \(decoupled)", tolerance: 1e-5,
                             [random.floats(count), random.floats(count), random.floats(count, scale: 0.1),
                              random.floats(count, scale: 0.01).map(abs)]) {
                try $0.adamStep(parameter: $1[0], gradient: $1[1], firstMoment: $1[2], secondMoment: $1[3],
                                learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01,
                                decoupledWeightDecay: decoupled, step: 3)
            }
        }
    }

    func testFillCopyAndSumOfSquares() throws {
        for count in [1, 255, 257, 100_003] {
            try assertParity("fill and copy \(count)", tolerance: 0, [nans(count), nans(count)]) {
                try $0.fill($1[0], with: -1.25)
                try $0.copy($1[0], to: $1[1])
            }
            let values = random.floats(count, scale: 2)
            var sums: [Float] = []
            try assertParity("sumOfSquares \(count)", tolerance: 0, [values]) {
                sums.append(try $0.sumOfSquares($1[0]))
            }
            // Tolerance 1e-5 relative: tree sums against OpenBLAS/Swift loops.
            XCTAssertEqual(sums[0], sums[1], accuracy: 1e-5 * max(1, sums[1]), "sumOfSquares \(count)")
        }
    }
}
