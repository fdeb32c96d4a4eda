/// The primitives every layer and optimizer is written against, once, for every engine.
///
/// Conventions for every op:
/// - Tensors are float32, row-major; image batches are NCHW. Every tensor passed must come from this engine.
/// - An op *overwrites* its output unless its documentation says it accumulates (`beta` in `gemm`).
/// - Ops may run asynchronously; `download`, `softmaxCrossEntropy` and `synchronize` wait for queued work.
/// - Shape contracts are checked by the layers; engines may trap on a violated precondition.
/// - Ops are called from one thread at a time (an engine serves one network): engines keep scratch buffers between
///   calls, and an op may be several enqueued steps sharing one.
public protocol ComputeEngine: AnyObject {
    /// A human name: `"cpu (OpenBLAS SkylakeX, 2 threads)"`, `"opencl:0 (pthread-skylake…)"`.
    var name: String { get }

    /// Host↔device copies made so far.
    var transfers: TransferStatistics { get }

    /// Allocates an uninitialised tensor; `label` names it in out-of-memory errors.
    func makeTensor(_ shape: Shape, label: String) throws -> Tensor

    /// Copies `values` (exactly `tensor.count` floats) from the host into `tensor`.
    func upload(_ values: UnsafeBufferPointer<Float>, to tensor: Tensor) throws

    /// Copies `tensor` to the host, waiting for queued work.
    func download(_ tensor: Tensor) throws -> [Float]

    /// `tensor[i] = value` for every element.
    func fill(_ tensor: Tensor, with value: Float) throws

    /// `destination[i] = source[i]`; both hold the same number of elements.
    func copy(_ source: Tensor, to destination: Tensor) throws

    /// `C = alpha·op(A)·op(B) + beta·C`, row-major, `C` is `m×n`, the inner dimension `k`.
    ///
    /// Each matrix starts at its offset (in floats) inside its tensor and has the given leading dimension
    /// (row stride): `op(A)` is `m×k`, `op(B)` is `k×n`. `beta = 0` overwrites `C` (even NaNs), `beta = 1`
    /// accumulates.
    func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
              a: Tensor, aOffset: Int, lda: Int, b: Tensor, bOffset: Int, ldb: Int,
              beta: Float, c: Tensor, cOffset: Int, ldc: Int) throws

    /// Unfolds a batch `input[N,C,H,W]` into `columns` as `ConvolutionGeometry` documents; padding reads 0.
    func im2col(_ input: Tensor, geometry: ConvolutionGeometry, into columns: Tensor) throws

    /// Folds `columns` back, summing overlapping entries: overwrites `gradInput[N,C,H,W]` (the adjoint of
    /// `im2col`).
    func col2im(_ columns: Tensor, geometry: ConvolutionGeometry, into gradInput: Tensor) throws

    /// `destination[n,c,s] = source[c,n,s]`: `[C,N,S]` → `[N,C,S]` (GEMM output to NCHW).
    func channelMajorToBatchMajor(_ source: Tensor, into destination: Tensor,
                                  batch: Int, channels: Int, spatial: Int) throws

    /// `destination[c,n,s] = source[n,c,s]`: `[N,C,S]` → `[C,N,S]` (NCHW gradient to GEMM layout).
    func batchMajorToChannelMajor(_ source: Tensor, into destination: Tensor,
                                  batch: Int, channels: Int, spatial: Int) throws

    /// `tensor[n,c,s] += bias[c]` for a `[N,C,S]` tensor (`S = 1` for dense outputs).
    func addBias(_ bias: Tensor, to tensor: Tensor, batch: Int, channels: Int, spatial: Int) throws

    /// `gradBias[c] = Σ_{n,s} gradOutput[n,c,s]`, overwriting `gradBias[C]`.
    func biasGradient(_ gradOutput: Tensor, batch: Int, channels: Int, spatial: Int,
                      into gradBias: Tensor) throws

    /// `tensor[n,c,s] = f(tensor[n,c,s] + bias[c])` in one pass for a `[N,C,S]` tensor; no bias adds nothing and
    /// no activation is the identity. Default: `addBias` then `activate`.
    func addBiasActivate(_ bias: Tensor?, activation: Activation?, to tensor: Tensor, batch: Int, channels: Int,
                         spatial: Int) throws

    /// The scratch tensors `convolutionForward`/`convolutionBackward` need for `geometry` and `filters`, allocated
    /// by the caller once per batch size and passed to both. Default: the column matrix `[C·k·k, N·OH·OW]` and the
    /// GEMM output `[F, N·OH·OW]`.
    func convolutionWorkspace(geometry: ConvolutionGeometry, filters: Int) -> [Shape]

    /// A whole convolution layer forward: `output[N,F,OH,OW] = f(W ⋆ input + bias)` with `weight[F, C·k·k]`,
    /// optional `bias[F]` and activation. `workspace` holds tensors of the shapes `convolutionWorkspace` gave; the
    /// backward pass may rely on what this call leaves there. Default: `im2col`, one `gemm`,
    /// `channelMajorToBatchMajor`, `addBiasActivate`.
    func convolutionForward(_ input: Tensor, weight: Tensor, bias: Tensor?, activation: Activation?,
                            geometry: ConvolutionGeometry, filters: Int, workspace: [Tensor],
                            into output: Tensor) throws

    /// A whole convolution layer backward after `convolutionForward` on the same `input`, `weight`, `output` and
    /// `workspace` (an engine may keep what it computed from them in the workspace): `dZ = gradOutput·f′(output)`
    /// (may overwrite `gradOutput`), then overwrites
    /// `gradWeight[F, C·k·k] = dZ ⋆ input`, `gradBias[F] = Σ_{n,s} dZ` (when given) and
    /// `gradInput[N,C,H,W]` (when given) with the input gradient. Default: `activationBackward`, `biasGradient`,
    /// `batchMajorToChannelMajor`, two `gemm`s, `col2im`.
    func convolutionBackward(_ gradOutput: Tensor, input: Tensor, output: Tensor, weight: Tensor,
                             activation: Activation?, geometry: ConvolutionGeometry, filters: Int,
                             workspace: [Tensor], gradWeight: Tensor, gradBias: Tensor?, gradInput: Tensor?) throws

    /// A dense layer's backward products from `gradOutput[N, units]` (already `dZ`, the activation's derivative
    /// applied), `input[N, inputs]` and `weight[units, inputs]`: overwrites `gradWeight[units, inputs] = dZᵀ·X` and,
    /// when given, `gradInput[N, inputs] = dZ·W`. Default: two `gemm`s.
    func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int, units: Int,
                       gradWeight: Tensor, gradInput: Tensor?) throws

    /// `denseBackward`, then `sgdStep` of `weight` by `step` with the weight gradient: `gradInput` (when given) is
    /// computed from the weights before the step. `gradWeight` is scratch: what it holds afterwards is unspecified,
    /// since an engine may apply the step to each weight as soon as its gradient is known, without storing it.
    /// Default: `denseBackward`, then `sgdStep`.
    func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int, units: Int,
                       gradWeight: Tensor, gradInput: Tensor?, applying step: SGDStep) throws

    /// `output = f(input)` elementwise; `output` may be `input`.
    func activate(_ activation: Activation, _ input: Tensor, into output: Tensor) throws

    /// `gradInput = gradOutput·f′`, with `f′` computed from the forward *output* `y`; `gradInput` may be
    /// `gradOutput`.
    func activationBackward(_ activation: Activation, output: Tensor, gradOutput: Tensor,
                            into gradInput: Tensor) throws

    /// Max pooling of `input[N,C,H,W]` into `output[N,C,OH,OW]`; `indices` (same shape as `output`) receives
    /// each maximum's position `y·W + x` inside its plane (exact in float32 for planes under 2^24 pixels), for
    /// `maxPoolBackward`. Inference passes nil: no positions are recorded. Padding never wins.
    func maxPool(_ input: Tensor, geometry: PoolingGeometry, into output: Tensor, indices: Tensor?) throws

    /// Routes `gradOutput` to the recorded maxima: overwrites `gradInput[N,C,H,W]`, summing where windows
    /// overlap.
    func maxPoolBackward(_ gradOutput: Tensor, indices: Tensor, geometry: PoolingGeometry,
                         into gradInput: Tensor) throws

    /// Average pooling; every window divides by `size²` (padding counts as zeros, PyTorch's default).
    func avgPool(_ input: Tensor, geometry: PoolingGeometry, into output: Tensor) throws

    /// `gradInput[p] = Σ_{windows w ∋ p} gradOutput[w] / size²`, overwriting `gradInput`.
    func avgPoolBackward(_ gradOutput: Tensor, geometry: PoolingGeometry, into gradInput: Tensor) throws

    /// Batch normalisation with batch statistics over `N·S` per channel of a `[N,C,S]` tensor:
    /// `y = gamma·(x − mean)·invStd + beta`, `invStd = 1/sqrt(var + epsilon)` (biased variance).
    /// Saves `mean` and `invStd` (`[C]` each) for the backward pass and updates the running statistics
    /// `running = (1 − momentum)·running + momentum·batchStat` (unbiased variance for `runningVariance`).
    func batchNormTraining(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                           gamma: Tensor, beta: Tensor, epsilon: Float, momentum: Float,
                           runningMean: Tensor, runningVariance: Tensor,
                           savedMean: Tensor, savedInvStd: Tensor, into output: Tensor) throws

    /// Batch normalisation with the running statistics: `y = gamma·(x − runningMean)/sqrt(runningVar + ε) + beta`.
    func batchNormInference(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                            gamma: Tensor, beta: Tensor, epsilon: Float,
                            runningMean: Tensor, runningVariance: Tensor, into output: Tensor) throws

    /// The batch-statistics backward pass with `x̂ = (x − mean)·invStd`: overwrites `gradBeta[C] = Σ dy`,
    /// `gradGamma[C] = Σ dy·x̂` and, when given, `gradInput[N,C,S] = γ·invStd/M·(M·dy − dβ − x̂·dγ)`, `M = N·S`.
    /// With nil `gradInput` only dγ and dβ are computed.
    func batchNormBackward(_ gradOutput: Tensor, input: Tensor, batch: Int, channels: Int, spatial: Int,
                           gamma: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                           gradInput: Tensor?, gradGamma: Tensor, gradBeta: Tensor) throws

    /// Fills `mask` with `1/(1 − rate)` where an element is kept and `0` where dropped. Element `i` is kept when
    /// `DropoutHash.uniform(seed: seed, index: i) >= rate`, so every engine draws the same mask.
    func dropoutMask(_ mask: Tensor, rate: Float, seed: UInt64) throws

    /// `output[i] = a[i]·b[i]`; `output` may be `a` or `b`.
    func multiply(_ a: Tensor, _ b: Tensor, into output: Tensor) throws

    /// Softmax cross-entropy of `logits[N,K]` against `labels[N]` (class indices as floats). Overwrites
    /// `gradLogits[N,K]` with `(softmax − onehot)/N` and returns the mean loss and the correct count.
    func softmaxCrossEntropy(logits: Tensor, labels: Tensor, batch: Int, classes: Int,
                             gradLogits: Tensor) throws -> LossResult

    /// SGD as PyTorch: `g = grad + wd·p; v = μ·v + g; p −= lr·(nesterov ? g + μ·v : v)`.
    func sgdStep(parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float,
                 momentum: Float, weightDecay: Float, nesterov: Bool) throws

    /// Adam (`decoupledWeightDecay = false`: `g = grad + wd·p`) or AdamW (`p −= lr·wd·p` first), as PyTorch:
    /// `m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + ε)`, `t = step ≥ 1`.
    func adamStep(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
                  learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
                  decoupledWeightDecay: Bool, step: Int) throws

    /// `Σ x²` over the tensor, waiting for queued work (NaN or ∞ when any element is not finite).
    func sumOfSquares(_ tensor: Tensor) throws -> Float

    /// Waits for all queued work.
    func synchronize() throws
}
