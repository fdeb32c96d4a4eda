import Engine

/// Batch normalisation per channel (per feature for flat inputs): batch statistics in training (updating the
/// running statistics with `momentum`, PyTorch's convention), running statistics in evaluation.
public final class BatchNorm: Layer {
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let parameters: [Parameter]
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let channels: Int
    private let spatial: Int
    private let epsilon: Float
    private let momentum: Float
    private let gamma: Parameter
    private let beta: Parameter
    private let runningMean: Tensor
    private let runningVariance: Tensor
    private let savedMean: Tensor
    private let savedInvStd: Tensor
    private var buffers = BatchBuffers()
    private var lastInput: Tensor?

    /// Creates the layer with `gamma = 1`, `beta = 0`, running mean 0 and running variance 1.
    public init(name: String, inputShape: Shape, epsilon: Float, momentum: Float, engine: ComputeEngine) throws {
        self.name = name
        self.inputShape = inputShape
        self.engine = engine
        self.epsilon = epsilon
        self.momentum = momentum
        channels = inputShape[0]
        spatial = inputShape.count / inputShape[0]
        let perChannel = Shape(channels)
        gamma = try Parameter(name: "\(name).weight", shape: perChannel,
                              initialValues: Array(repeating: 1, count: channels), engine: engine)
        beta = try Parameter(name: "\(name).bias", shape: perChannel,
                             initialValues: Array(repeating: 0, count: channels), engine: engine)
        parameters = [gamma, beta]
        runningMean = try engine.makeTensor(perChannel, label: "\(name).running_mean")
        runningVariance = try engine.makeTensor(perChannel, label: "\(name).running_var")
        savedMean = try engine.makeTensor(perChannel, label: "\(name).saved_mean")
        savedInvStd = try engine.makeTensor(perChannel, label: "\(name).saved_inv_std")
        try engine.fill(runningMean, with: 0)
        try engine.fill(runningVariance, with: 1)
    }

    public var state: [(name: String, tensor: Tensor)] {
        [("\(name).running_mean", runningMean), ("\(name).running_var", runningVariance)]
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let batch = buffers.batch
        let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
        lastInput = input
        if training {
            try engine.batchNormTraining(input, batch: batch, channels: channels, spatial: spatial,
                                         gamma: gamma.value, beta: beta.value, epsilon: epsilon, momentum: momentum,
                                         runningMean: runningMean, runningVariance: runningVariance,
                                         savedMean: savedMean, savedInvStd: savedInvStd, into: output)
        } else {
            try engine.batchNormInference(input, batch: batch, channels: channels, spatial: spatial,
                                          gamma: gamma.value, beta: beta.value, epsilon: epsilon,
                                          runningMean: runningMean, runningVariance: runningVariance, into: output)
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard let input = lastInput else { preconditionFailure("\(name): backward before forward") }
        let gradInput = computesInputGradient
            ? try buffers.tensor("gradInput", inputShape.batched(buffers.batch), on: engine, layer: name) : nil
        // dβ = Σdy, dγ = Σdy·x̂ and, unless the pass ends here, dx = γ·invStd/M·(M·dy − dβ − x̂·dγ), M = N·S
        try engine.batchNormBackward(gradOutput, input: input, batch: buffers.batch, channels: channels,
                                     spatial: spatial, gamma: gamma.value, savedMean: savedMean,
                                     savedInvStd: savedInvStd, gradInput: gradInput,
                                     gradGamma: gamma.gradient, gradBeta: beta.gradient)
        return gradInput ?? gradOutput
    }
}
