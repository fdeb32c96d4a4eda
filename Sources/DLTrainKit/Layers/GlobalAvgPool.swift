import Engine

/// Averages each channel over its whole plane: `[C, H, W]` → `[C]`, as two GEMMs with a ones vector.
public final class GlobalAvgPool: Layer {
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let parameters: [Parameter] = []
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let channels: Int
    private let spatial: Int
    private let ones: Tensor
    private var buffers = BatchBuffers()

    /// Creates the layer for `[C, H, W]` inputs.
    public init(name: String, inputShape: Shape, engine: ComputeEngine) throws {
        self.name = name
        self.inputShape = inputShape
        self.engine = engine
        channels = inputShape[0]
        spatial = inputShape[1] * inputShape[2]
        outputShape = Shape(channels)
        ones = try engine.makeTensor(Shape(spatial), label: "\(name).ones")
        try engine.fill(ones, with: 1)
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let planes = buffers.batch * channels
        let output = try buffers.tensor("output", outputShape.batched(buffers.batch), on: engine, layer: name)
        // Y[N·C, 1] = X[N·C, S] · 1[S, 1] / S
        try engine.gemm(transposeA: false, transposeB: false, m: planes, n: 1, k: spatial, alpha: 1 / Float(spatial),
                        a: input, aOffset: 0, lda: spatial, b: ones, bOffset: 0, ldb: 1,
                        beta: 0, c: output, cOffset: 0, ldc: 1)
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard computesInputGradient else { return gradOutput }
        let planes = buffers.batch * channels
        let gradInput = try buffers.tensor("gradInput", inputShape.batched(buffers.batch), on: engine, layer: name)
        // dX[N·C, S] = dY[N·C, 1] · 1[1, S] / S
        try engine.gemm(transposeA: false, transposeB: false, m: planes, n: spatial, k: 1, alpha: 1 / Float(spatial),
                        a: gradOutput, aOffset: 0, lda: 1, b: ones, bOffset: 0, ldb: spatial,
                        beta: 0, c: gradInput, cOffset: 0, ldc: spatial)
        return gradInput
    }
}
