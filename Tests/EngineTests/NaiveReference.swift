import Engine
import Foundation

/// Plain-Swift, obviously-correct versions of every `ComputeEngine` op on `[Float]`, for parity tests of any engine.
///
/// Written for clarity, not speed: direct loops, double-precision sums, and where possible a different
/// formulation from the engines' (direct convolution instead of im2col, gathers instead of scatters).
enum NaiveReference {
    /// `C = alpha·op(A)·op(B) + beta·C`, row-major with offsets and leading dimensions; `beta = 0` ignores `C`.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: [Float], aOffset: Int = 0, lda: Int, b: [Float], bOffset: Int = 0, ldb: Int,
                     beta: Float, c: [Float], cOffset: Int = 0, ldc: Int) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var total: Double = 0
                for p in 0..<k {
                    let left = transposeA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]
                    let right = transposeB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j]
                    total += Double(left) * Double(right)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[cOffset + i * ldc + j])
                result[cOffset + i * ldc + j] = Float(Double(alpha) * total + old)
            }
        }
        return result
    }

    /// Direct convolution: `output[n,f,oy,ox] = Σ_{c,ky,kx} input[n,c,y,x]·weights[f,c,ky,kx]`, zero padding.
    static func convolution(_ input: [Float], weights: [Float], filters: Int, geometry g: ConvolutionGeometry)
        -> [Float] {
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        var output = [Float](repeating: 0, count: g.batch * filters * outputHeight * outputWidth)
        for n in 0..<g.batch {
            for f in 0..<filters {
                for oy in 0..<outputHeight {
                    for ox in 0..<outputWidth {
                        var total: Double = 0
                        for c in 0..<g.channels {
                            for ky in 0..<g.kernelHeight {
                                for kx in 0..<g.kernelWidth {
                                    let y = oy * g.strideHeight - g.paddingHeight + ky
                                    let x = ox * g.strideWidth - g.paddingWidth + kx
                                    guard y >= 0, y < g.height, x >= 0, x < g.width else { continue }
                                    let value = input[((n * g.channels + c) * g.height + y) * g.width + x]
                                    let weight = weights[((f * g.channels + c) * g.kernelHeight + ky)
                                        * g.kernelWidth + kx]
                                    total += Double(value) * Double(weight)
                                }
                            }
                        }
                        output[((n * filters + f) * outputHeight + oy) * outputWidth + ox] = Float(total)
                    }
                }
            }
        }
        return output
    }

    /// A convolution's kernel and input gradients from `dz` (`[N, F, OH, OW]`, the activation already applied),
    /// written out as im2col, two GEMMs and col2im.
    static func convolutionGradients(_ dz: [Float], input: [Float], weights: [Float], filters: Int,
                                     geometry g: ConvolutionGeometry) -> (weight: [Float], input: [Float]) {
        let channelMajor = batchMajorToChannelMajor(dz, batch: g.batch, channels: filters,
                                                    spatial: g.outputHeight * g.outputWidth)
        let columns = im2col(input, geometry: g)
        let weight = gemm(transposeA: false, transposeB: true, m: filters, n: g.columnRows, k: g.columnCount,
                          alpha: 1, a: channelMajor, lda: g.columnCount, b: columns, ldb: g.columnCount, beta: 0,
                          c: [Float](repeating: 0, count: weights.count), ldc: g.columnRows)
        let columnGradient = gemm(transposeA: true, transposeB: false, m: g.columnRows, n: g.columnCount, k: filters,
                                  alpha: 1, a: weights, lda: g.columnRows, b: channelMajor, ldb: g.columnCount,
                                  beta: 0, c: [Float](repeating: 0, count: columns.count), ldc: g.columnCount)
        return (weight, col2im(columnGradient, geometry: g))
    }

    /// The column matrix `ConvolutionGeometry` documents, one element at a time.
    static func im2col(_ input: [Float], geometry g: ConvolutionGeometry) -> [Float] {
        var columns = [Float](repeating: 0, count: g.columnRows * g.columnCount)
        forEachColumnEntry(g) { row, column, inputIndex in
            columns[row * g.columnCount + column] = inputIndex.map { input[$0] } ?? 0
        }
        return columns
    }

    /// The adjoint of `im2col`: every column entry added back to the input element it was read from.
    static func col2im(_ columns: [Float], geometry g: ConvolutionGeometry) -> [Float] {
        var input = [Float](repeating: 0, count: g.batch * g.channels * g.height * g.width)
        forEachColumnEntry(g) { row, column, inputIndex in
            if let inputIndex { input[inputIndex] += columns[row * g.columnCount + column] }
        }
        return input
    }

    /// Calls `body(row, column, input index or nil for padding)` for every entry of the column matrix.
    private static func forEachColumnEntry(_ g: ConvolutionGeometry, _ body: (Int, Int, Int?) -> Void) {
        for c in 0..<g.channels {
            for ky in 0..<g.kernelHeight {
                for kx in 0..<g.kernelWidth {
                    let row = (c * g.kernelHeight + ky) * g.kernelWidth + kx
                    for n in 0..<g.batch {
                        for oy in 0..<g.outputHeight {
                            for ox in 0..<g.outputWidth {
                                let column = (n * g.outputHeight + oy) * g.outputWidth + ox
                                let y = oy * g.strideHeight - g.paddingHeight + ky
                                let x = ox * g.strideWidth - g.paddingWidth + kx
                                let inside = y >= 0 && y < g.height && x >= 0 && x < g.width
                                body(row, column, inside ? ((n * g.channels + c) * g.height + y) * g.width + x : nil)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `[C,N,S]` → `[N,C,S]`.
    static func channelMajorToBatchMajor(_ source: [Float], batch: Int, channels: Int, spatial: Int) -> [Float] {
        var result = source
        for n in 0..<batch {
            for c in 0..<channels {
                for s in 0..<spatial {
                    result[(n * channels + c) * spatial + s] = source[(c * batch + n) * spatial + s]
                }
            }
        }
        return result
    }

    /// `[N,C,S]` → `[C,N,S]`.
    static func batchMajorToChannelMajor(_ source: [Float], batch: Int, channels: Int, spatial: Int) -> [Float] {
        var result = source
        for n in 0..<batch {
            for c in 0..<channels {
                for s in 0..<spatial {
                    result[(c * batch + n) * spatial + s] = source[(n * channels + c) * spatial + s]
                }
            }
        }
        return result
    }

    /// `tensor[n,c,s] + bias[c]`.
    static func addBias(_ bias: [Float], to tensor: [Float], batch: Int, channels: Int, spatial: Int) -> [Float] {
        tensor.indices.map { tensor[$0] + bias[$0 / spatial % channels] }
    }

    /// `Σ_{n,s} gradOutput[n,c,s]` per channel.
    static func biasGradient(_ gradOutput: [Float], batch: Int, channels: Int, spatial: Int) -> [Float] {
        var totals = [Double](repeating: 0, count: channels)
        for (i, value) in gradOutput.prefix(batch * channels * spatial).enumerated() {
            totals[i / spatial % channels] += Double(value)
        }
        return totals.map { Float($0) }
    }

    /// `f(x)` elementwise.
    static func activate(_ activation: Activation, _ input: [Float]) -> [Float] {
        input.map { x in
            switch activation {
            case .relu: return x > 0 ? x : 0
            case let .leakyReLU(slope): return x > 0 ? x : slope * x
            case .sigmoid: return Float(1 / (1 + Foundation.exp(-Double(x))))
            case .tanh: return Float(Foundation.tanh(Double(x)))
            }
        }
    }

    /// `dy·f′` with `f′` from the forward output `y`.
    static func activationBackward(_ activation: Activation, output: [Float], gradOutput: [Float]) -> [Float] {
        zip(output, gradOutput).map { y, dy in
            switch activation {
            case .relu: return y > 0 ? dy : 0
            case let .leakyReLU(slope): return y > 0 ? dy : slope * dy
            case .sigmoid: return dy * y * (1 - y)
            case .tanh: return dy * (1 - y * y)
            }
        }
    }

    /// Max pooling: the maximum of each window's real pixels (first in scan order on ties) and its `y·W + x`.
    static func maxPool(_ input: [Float], geometry g: PoolingGeometry) -> (output: [Float], indices: [Float]) {
        var output: [Float] = []
        var indices: [Float] = []
        for plane in 0..<g.planes {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    var best: (value: Float, index: Int)?
                    for (y, x) in window(oy, ox, g) {
                        let value = input[plane * g.height * g.width + y * g.width + x]
                        if best == nil || value > best!.value { best = (value, y * g.width + x) }
                    }
                    output.append(best!.value)
                    indices.append(Float(best!.index))
                }
            }
        }
        return (output, indices)
    }

    /// Gathers, for every input pixel, the gradients of the windows whose recorded maximum it is.
    static func maxPoolBackward(_ gradOutput: [Float], indices: [Float], geometry g: PoolingGeometry) -> [Float] {
        let outputSize = g.outputHeight * g.outputWidth
        var gradInput = [Float](repeating: 0, count: g.planes * g.height * g.width)
        for plane in 0..<g.planes {
            for p in 0..<g.height * g.width {
                var total: Double = 0
                for o in 0..<outputSize where Int(indices[plane * outputSize + o]) == p {
                    total += Double(gradOutput[plane * outputSize + o])
                }
                gradInput[plane * g.height * g.width + p] = Float(total)
            }
        }
        return gradInput
    }

    /// Average pooling dividing every window by `size²`.
    static func avgPool(_ input: [Float], geometry g: PoolingGeometry) -> [Float] {
        var output: [Float] = []
        for plane in 0..<g.planes {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let total = window(oy, ox, g).reduce(0.0) {
                        $0 + Double(input[plane * g.height * g.width + $1.0 * g.width + $1.1])
                    }
                    output.append(Float(total / Double(g.size * g.size)))
                }
            }
        }
        return output
    }

    /// Gathers, for every input pixel, `Σ dy[w] / size²` over the windows containing it.
    static func avgPoolBackward(_ gradOutput: [Float], geometry g: PoolingGeometry) -> [Float] {
        var gradInput = [Float](repeating: 0, count: g.planes * g.height * g.width)
        for plane in 0..<g.planes {
            for y in 0..<g.height {
                for x in 0..<g.width {
                    var total: Double = 0
                    for oy in 0..<g.outputHeight where covers(oy, y, g) {
                        for ox in 0..<g.outputWidth where covers(ox, x, g) {
                            total += Double(gradOutput[(plane * g.outputHeight + oy) * g.outputWidth + ox])
                        }
                    }
                    gradInput[(plane * g.height + y) * g.width + x] = Float(total / Double(g.size * g.size))
                }
            }
        }
        return gradInput
    }

    /// Whether window `output` covers input coordinate `input` along one axis.
    private static func covers(_ output: Int, _ input: Int, _ g: PoolingGeometry) -> Bool {
        let start = output * g.stride - g.padding
        return input >= start && input < start + g.size
    }

    /// The real (non-padding) pixels `(y, x)` of window `(oy, ox)`.
    private static func window(_ oy: Int, _ ox: Int, _ g: PoolingGeometry) -> [(Int, Int)] {
        var pixels: [(Int, Int)] = []
        for ky in 0..<g.size {
            for kx in 0..<g.size {
                let (y, x) = (oy * g.stride - g.padding + ky, ox * g.stride - g.padding + kx)
                if y >= 0, y < g.height, x >= 0, x < g.width { pixels.append((y, x)) }
            }
        }
        return pixels
    }

    /// What `batchNormTraining` writes.
    struct BatchNormTraining {
        var output: [Float]
        var mean: [Float]
        var invStd: [Float]
        var runningMean: [Float]
        var runningVariance: [Float]
    }

    /// Batch normalisation with batch statistics, and the running-statistics update (unbiased variance).
    static func batchNormTraining(_ input: [Float], batch: Int, channels: Int, spatial: Int,
                                  gamma: [Float], beta: [Float], epsilon: Float, momentum: Float,
                                  runningMean: [Float], runningVariance: [Float]) -> BatchNormTraining {
        var result = BatchNormTraining(output: input, mean: [], invStd: [], runningMean: [], runningVariance: [])
        let m = Double(batch * spatial)
        for c in 0..<channels {
            let values = channelValues(input, c, batch: batch, channels: channels, spatial: spatial)
            let mean = values.map { Double(input[$0]) }.reduce(0, +) / m
            let variance = values.map { (Double(input[$0]) - mean) * (Double(input[$0]) - mean) }.reduce(0, +) / m
            let invStd = 1 / (variance + Double(epsilon)).squareRoot()
            for i in values {
                result.output[i] = Float(Double(gamma[c]) * (Double(input[i]) - mean) * invStd + Double(beta[c]))
            }
            let unbiased = m > 1 ? variance * m / (m - 1) : variance
            let mu = Double(momentum)
            result.mean.append(Float(mean))
            result.invStd.append(Float(invStd))
            result.runningMean.append(Float((1 - mu) * Double(runningMean[c]) + mu * mean))
            result.runningVariance.append(Float((1 - mu) * Double(runningVariance[c]) + mu * unbiased))
        }
        return result
    }

    /// `gamma·(x − runningMean)/sqrt(runningVariance + ε) + beta`.
    static func batchNormInference(_ input: [Float], batch: Int, channels: Int, spatial: Int,
                                   gamma: [Float], beta: [Float], epsilon: Float,
                                   runningMean: [Float], runningVariance: [Float]) -> [Float] {
        input.indices.map { i in
            let c = i / spatial % channels
            let normalized = (Double(input[i]) - Double(runningMean[c]))
                / (Double(runningVariance[c]) + Double(epsilon)).squareRoot()
            return Float(Double(gamma[c]) * normalized + Double(beta[c]))
        }
    }

    /// The batch-statistics backward pass: `(gradInput, gradGamma, gradBeta)`.
    static func batchNormBackward(_ gradOutput: [Float], input: [Float], batch: Int, channels: Int, spatial: Int,
                                  gamma: [Float], mean: [Float], invStd: [Float])
        -> (gradInput: [Float], gradGamma: [Float], gradBeta: [Float]) {
        var gradInput = input
        var gradGamma: [Float] = []
        var gradBeta: [Float] = []
        let m = Double(batch * spatial)
        for c in 0..<channels {
            let values = channelValues(input, c, batch: batch, channels: channels, spatial: spatial)
            let xhat = values.map { (Double(input[$0]) - Double(mean[c])) * Double(invStd[c]) }
            let dBeta = values.map { Double(gradOutput[$0]) }.reduce(0, +)
            let dGamma = zip(values, xhat).map { Double(gradOutput[$0]) * $1 }.reduce(0, +)
            for (i, xh) in zip(values, xhat) {
                let scale = Double(gamma[c]) * Double(invStd[c]) / m
                gradInput[i] = Float(scale * (m * Double(gradOutput[i]) - dBeta - xh * dGamma))
            }
            gradGamma.append(Float(dGamma))
            gradBeta.append(Float(dBeta))
        }
        return (gradInput, gradGamma, gradBeta)
    }

    /// The flat indices of channel `c` in a `[N,C,S]` tensor.
    private static func channelValues(_ tensor: [Float], _ c: Int, batch: Int, channels: Int, spatial: Int)
        -> [Int] {
        (0..<batch).flatMap { n in (0..<spatial).map { (n * channels + c) * spatial + $0 } }
    }

    /// `1/(1 − rate)` where `DropoutHash.uniform(seed, i) >= rate`, else 0.
    static func dropoutMask(count: Int, rate: Float, seed: UInt64) -> [Float] {
        (0..<count).map { DropoutHash.uniform(seed: seed, index: UInt64($0)) >= rate ? 1 / (1 - rate) : 0 }
    }

    /// Mean softmax cross-entropy, correct count, and `(softmax − onehot)/N`, computed in double precision.
    static func softmaxCrossEntropy(logits: [Float], labels: [Float], batch: Int, classes: Int)
        -> (loss: Float, correct: Int, gradLogits: [Float]) {
        var loss: Double = 0
        var correct = 0
        var grad = [Float](repeating: 0, count: batch * classes)
        for n in 0..<batch {
            let row = (0..<classes).map { Double(logits[n * classes + $0]) }
            let maximum = row.max()!
            let total = row.map { Foundation.exp($0 - maximum) }.reduce(0, +)
            let label = Int(labels[n])
            loss += Foundation.log(total) + maximum - row[label]
            if row.firstIndex(of: maximum) == label { correct += 1 }
            for k in 0..<classes {
                let softmax = Foundation.exp(row[k] - maximum) / total
                grad[n * classes + k] = Float((softmax - (k == label ? 1 : 0)) / Double(batch))
            }
        }
        return (Float(loss / Double(batch)), correct, grad)
    }

    /// One PyTorch SGD step: `(parameter, velocity)`.
    static func sgdStep(parameter: [Float], gradient: [Float], velocity: [Float], learningRate: Float,
                        momentum: Float, weightDecay: Float, nesterov: Bool)
        -> (parameter: [Float], velocity: [Float]) {
        var (p, v) = (parameter, velocity)
        for i in p.indices {
            let g = gradient[i] + weightDecay * parameter[i]
            v[i] = momentum * velocity[i] + g
            p[i] -= learningRate * (nesterov ? g + momentum * v[i] : v[i])
        }
        return (p, v)
    }

    /// One PyTorch Adam / AdamW step: `(parameter, firstMoment, secondMoment)`.
    static func adamStep(parameter: [Float], gradient: [Float], firstMoment: [Float], secondMoment: [Float],
                         learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
                         decoupledWeightDecay: Bool, step: Int)
        -> (parameter: [Float], firstMoment: [Float], secondMoment: [Float]) {
        var (p, m, v) = (parameter.map(Double.init), firstMoment.map(Double.init), secondMoment.map(Double.init))
        let (lr, b1, b2, wd) = (Double(learningRate), Double(beta1), Double(beta2), Double(weightDecay))
        for i in p.indices {
            var g = Double(gradient[i])
            if decoupledWeightDecay { p[i] -= lr * wd * p[i] } else { g += wd * p[i] }
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            let mHat = m[i] / (1 - Foundation.pow(b1, Double(step)))
            let vHat = v[i] / (1 - Foundation.pow(b2, Double(step)))
            p[i] -= lr * mHat / (vHat.squareRoot() + Double(epsilon))
        }
        return (p.map { Float($0) }, m.map { Float($0) }, v.map { Float($0) })
    }

    /// `Σ x²` in double precision.
    static func sumOfSquares(_ values: [Float]) -> Float {
        Float(values.reduce(0.0) { $0 + Double($1) * Double($1) })
    }
}
