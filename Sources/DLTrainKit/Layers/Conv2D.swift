import Engine

/// A 2-D convolution (`[F, C, k, k]` weights, PyTorch's layout) with optional bias and fused activation.
///
/// Forward: one batched `im2col` and one GEMM `Y[F, N·OH·OW] = W[F, C·k·k] · cols`, permuted to NCHW, plus bias and
/// activation. Backward reuses the column buffer for the column gradient once the weight gradient is done.
public final class Conv2D: Layer {
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let parameters: [Parameter]
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let filters: Int
    private let size: Int
    private let stride: Int
    private let padding: Int
    private let activation: Activation?
    private let weight: Parameter
    private let bias: Parameter?
    private var buffers = BatchBuffers()
    private var geometry: ConvolutionGeometry

    /// Creates the layer for `[C, H, W]` inputs with seeded PyTorch-default initial weights.
    public init(name: String, inputShape: Shape, filters: Int, size: Int, stride: Int, padding: Int,
                bias hasBias: Bool, activation: Activation?, engine: ComputeEngine,
                initializer: inout ParameterInitializer) throws {
        let (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        self.name = name
        self.inputShape = inputShape
        self.engine = engine
        self.filters = filters
        self.size = size
        self.stride = stride
        self.padding = padding
        self.activation = activation
        geometry = ConvolutionGeometry(batch: 0, channels: channels, height: height, width: width,
                                       kernelHeight: size, kernelWidth: size, strideHeight: stride,
                                       strideWidth: stride, paddingHeight: padding, paddingWidth: padding)
        outputShape = Shape(filters, geometry.outputHeight, geometry.outputWidth)
        let fanIn = channels * size * size
        weight = try Parameter(name: "\(name).weight", shape: Shape(filters, channels, size, size),
                               initialValues: initializer.uniformFanIn(count: filters * fanIn, fanIn: fanIn),
                               engine: engine)
        bias = hasBias
            ? try Parameter(name: "\(name).bias", shape: Shape(filters),
                            initialValues: initializer.uniformFanIn(count: filters, fanIn: fanIn), engine: engine)
            : nil
        parameters = [weight] + (bias.map { [$0] } ?? [])
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
        geometry.batch = batch
    }

    private var spatial: Int { outputShape[1] * outputShape[2] }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let batch = buffers.batch
        let columns = try buffers.tensor("columns", Shape(geometry.columnRows, geometry.columnCount),
                                         on: engine, layer: name)
        let channelMajor = try buffers.tensor("channelMajor", Shape(filters, geometry.columnCount),
                                              on: engine, layer: name)
        let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
        try engine.im2col(input, geometry: geometry, into: columns)
        try engine.gemm(transposeA: false, transposeB: false, m: filters, n: geometry.columnCount,
                        k: geometry.columnRows, alpha: 1, a: weight.value, aOffset: 0, lda: geometry.columnRows,
                        b: columns, bOffset: 0, ldb: geometry.columnCount,
                        beta: 0, c: channelMajor, cOffset: 0, ldc: geometry.columnCount)
        try engine.channelMajorToBatchMajor(channelMajor, into: output, batch: batch, channels: filters,
                                            spatial: spatial)
        if let bias {
            try engine.addBias(bias.value, to: output, batch: batch, channels: filters, spatial: spatial)
        }
        if let activation { try engine.activate(activation, output, into: output) }
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        let batch = buffers.batch
        let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
        let columns = try buffers.tensor("columns", Shape(geometry.columnRows, geometry.columnCount),
                                         on: engine, layer: name)
        let channelMajor = try buffers.tensor("channelMajor", Shape(filters, geometry.columnCount),
                                              on: engine, layer: name)
        // dZ = dY · f′(Y), in place on the incoming gradient.
        if let activation {
            try engine.activationBackward(activation, output: output, gradOutput: gradOutput, into: gradOutput)
        }
        if let bias {
            // db[f] = Σ_{n,s} dZ[n,f,s]
            try engine.biasGradient(gradOutput, batch: batch, channels: filters, spatial: spatial,
                                    into: bias.gradient)
        }
        try engine.batchMajorToChannelMajor(gradOutput, into: channelMajor, batch: batch, channels: filters,
                                            spatial: spatial)
        // dW[F, Ckk] = dZ[F, N·S] · colsᵀ
        try engine.gemm(transposeA: false, transposeB: true, m: filters, n: geometry.columnRows,
                        k: geometry.columnCount, alpha: 1, a: channelMajor, aOffset: 0, lda: geometry.columnCount,
                        b: columns, bOffset: 0, ldb: geometry.columnCount,
                        beta: 0, c: weight.gradient, cOffset: 0, ldc: geometry.columnRows)
        guard computesInputGradient else { return gradOutput }
        // dcols[Ckk, N·S] = Wᵀ · dZ, then dX = col2im(dcols)
        try engine.gemm(transposeA: true, transposeB: false, m: geometry.columnRows, n: geometry.columnCount,
                        k: filters, alpha: 1, a: weight.value, aOffset: 0, lda: geometry.columnRows,
                        b: channelMajor, bOffset: 0, ldb: geometry.columnCount,
                        beta: 0, c: columns, cOffset: 0, ldc: geometry.columnCount)
        let gradInput = try buffers.tensor("gradInput", inputShape.batched(batch), on: engine, layer: name)
        try engine.col2im(columns, geometry: geometry, into: gradInput)
        return gradInput
    }
}
