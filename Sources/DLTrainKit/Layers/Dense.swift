import Engine

/// A fully connected layer (`[out, in]` weights, PyTorch's layout) with optional bias and fused activation.
/// Image inputs are flattened implicitly: `in = C·H·W`.
public final class Dense: Layer {
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let parameters: [Parameter]
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let inputs: Int
    private let units: Int
    private let activation: Activation?
    private let weight: Parameter
    private let bias: Parameter?
    private var buffers = BatchBuffers()
    private var lastInput: Tensor?

    /// Creates the layer with seeded PyTorch-default initial weights.
    public init(name: String, inputShape: Shape, units: Int, bias hasBias: Bool, activation: Activation?,
                engine: ComputeEngine, initializer: inout ParameterInitializer) throws {
        self.name = name
        self.inputShape = inputShape
        self.engine = engine
        self.units = units
        self.activation = activation
        inputs = inputShape.count
        outputShape = Shape(units)
        (weight, bias) = try initializer.weightAndBias(layer: name, weightShape: Shape(units, inputs),
                                                       fanIn: inputs, hasBias: hasBias, engine: engine)
        parameters = [weight] + (bias.map { [$0] } ?? [])
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let batch = buffers.batch
        let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
        lastInput = input
        // Y[N, out] = X[N, in] · Wᵀ
        try engine.gemm(transposeA: false, transposeB: true, m: batch, n: units, k: inputs, alpha: 1,
                        a: input, aOffset: 0, lda: inputs, b: weight.value, bOffset: 0, ldb: inputs,
                        beta: 0, c: output, cOffset: 0, ldc: units)
        try engine.addBiasActivate(bias?.value, activation: activation, to: output, batch: batch, channels: units,
                                   spatial: 1)
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        let batch = buffers.batch
        guard let input = lastInput else { preconditionFailure("\(name): backward before forward") }
        if let activation {
            let output = try buffers.tensor("output", outputShape.batched(batch), on: engine, layer: name)
            // dZ = dY · f′(Y)
            try engine.activationBackward(activation, output: output, gradOutput: gradOutput, into: gradOutput)
        }
        // db[o] = Σ_n dZ[n, o]
        if let bias {
            try engine.biasGradient(gradOutput, batch: batch, channels: units, spatial: 1, into: bias.gradient)
        }
        // dW[out, in] = dZᵀ · X and dX[N, in] = dZ · W, and the optimizer's step on W where it is offered.
        let gradInput = computesInputGradient
            ? try buffers.tensor("gradInput", inputShape.batched(batch), on: engine, layer: name) : nil
        if case let .offered(step) = weight.update {
            try engine.denseBackward(gradOutput, input: input, weight: weight.value, batch: batch, inputs: inputs,
                                     units: units, gradWeight: weight.gradient, gradInput: gradInput, applying: step)
            weight.update = .appliedByLayer
        } else {
            try engine.denseBackward(gradOutput, input: input, weight: weight.value, batch: batch, inputs: inputs,
                                     units: units, gradWeight: weight.gradient, gradInput: gradInput)
        }
        return gradInput ?? gradOutput
    }
}
