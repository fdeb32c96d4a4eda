import Engine

/// Inverted dropout: in training, zeroes each element with probability `rate` and scales survivors by
/// `1/(1 − rate)`; the identity in evaluation. Masks come from a counter-based hash of `seed`, so every engine
/// (and a resumed run) draws the same mask for the same step.
public final class Dropout: Layer {
    public let name: String
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let parameters: [Parameter] = []
    public var computesInputGradient = true
    /// The seed of the next training forward pass; the network sets it per step.
    public var seed: UInt64 = 0

    private let engine: ComputeEngine
    private let rate: Float
    private var buffers = BatchBuffers()
    private var maskApplied = false

    /// Creates the layer dropping with probability `rate`.
    public init(name: String, inputShape: Shape, rate: Float, engine: ComputeEngine) {
        self.name = name
        self.inputShape = inputShape
        self.rate = rate
        self.engine = engine
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        maskApplied = training && rate > 0
        guard maskApplied else { return input }
        let shape = outputShape.batched(buffers.batch)
        let mask = try buffers.tensor("mask", shape, on: engine, layer: name)
        let output = try buffers.tensor("output", shape, on: engine, layer: name)
        try engine.dropoutMask(mask, rate: rate, seed: seed)
        try engine.multiply(input, mask, into: output)
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard maskApplied else { return gradOutput }
        let mask = try buffers.tensor("mask", outputShape.batched(buffers.batch), on: engine, layer: name)
        // dX = dY · mask
        try engine.multiply(gradOutput, mask, into: gradOutput)
        return gradOutput
    }
}
