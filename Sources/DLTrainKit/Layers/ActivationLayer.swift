import Engine

/// A standalone elementwise nonlinearity (`{"type": "relu"}`), for nets that separate it from conv/dense.
public final class ActivationLayer: Layer {
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let parameters: [Parameter] = []
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let activation: Activation
    private var buffers = BatchBuffers()

    /// Creates the layer applying `activation`.
    public init(name: String, inputShape: Shape, activation: Activation, engine: ComputeEngine) {
        self.name = name
        self.inputShape = inputShape
        self.activation = activation
        self.engine = engine
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let output = try buffers.tensor("output", outputShape.batched(buffers.batch), on: engine, layer: name)
        try engine.activate(activation, input, into: output)
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        let output = try buffers.tensor("output", outputShape.batched(buffers.batch), on: engine, layer: name)
        // dX = dY · f′(Y), in place on the incoming gradient.
        try engine.activationBackward(activation, output: output, gradOutput: gradOutput, into: gradOutput)
        return gradOutput
    }
}
