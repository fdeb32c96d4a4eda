import Engine

/// A 2-D convolution (`[F, C, k, k]` weights, PyTorch's layout) with optional bias and fused activation.
///
/// Forward and backward are the engine's fused `convolutionForward`/`convolutionBackward` (by default one batched
/// `im2col` and one GEMM `Y[F, N·OH·OW] = W[F, C·k·k] · cols`, permuted to NCHW, plus bias and activation; the CPU
/// engine runs Winograd for stride-1 3×3 and 5×5 layers, direct kernels for thin stride-1 ones and per-sample GEMMs
/// for the rest). Each layer owns its workspace, and its backward pass always follows its own forward pass with
/// the same weights, as the engine requires.
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
    private var lastInput: Tensor?
    private var workspaceTensors: [Tensor]?

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
        (weight, bias) = try initializer.weightAndBias(layer: name, weightShape: Shape(filters, channels, size, size),
                                                       fanIn: fanIn, hasBias: hasBias, engine: engine)
        parameters = [weight] + (bias.map { [$0] } ?? [])
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
        geometry.batch = batch
        workspaceTensors = nil
    }

    /// The engine's scratch tensors for this batch size (the column matrix and GEMM output by default).
    private func workspace() throws -> [Tensor] {
        if let workspaceTensors { return workspaceTensors }
        let made = try engine.convolutionWorkspace(geometry: geometry, filters: filters).enumerated().map {
            index, shape in try buffers.tensor("workspace\(index)", shape, on: engine, layer: name)
        }
        workspaceTensors = made
        return made
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let output = try buffers.tensor("output", outputShape.batched(buffers.batch), on: engine, layer: name)
        lastInput = input
        try engine.convolutionForward(input, weight: weight.value, bias: bias?.value, activation: activation,
                                      geometry: geometry, filters: filters, workspace: try workspace(),
                                      into: output)
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard let input = lastInput else { preconditionFailure("\(name): backward before forward") }
        let batch = buffers.batch
        let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
        let gradInput = computesInputGradient
            ? try buffers.tensor("gradInput", inputShape.batched(batch), on: engine, layer: name) : nil
        // dZ = dY·f′(Y) (in place, or as the engine reads dY), db = Σ dZ, dW = dZ ⋆ X, dX = Wᵀ ⋆ dZ
        try engine.convolutionBackward(gradOutput, input: input, output: output, weight: weight.value,
                                       activation: activation, geometry: geometry, filters: filters,
                                       workspace: try workspace(), gradWeight: weight.gradient,
                                       gradBias: bias?.gradient, gradInput: gradInput)
        return gradInput ?? gradOutput
    }
}
