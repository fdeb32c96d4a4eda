import Engine

/// Max or average pooling over square windows (Caffe's one pooling layer with two methods).
///
/// Max pooling remembers each maximum's position for the backward pass (in training forward passes only); average
/// pooling counts padding as zeros (PyTorch's default).
public final class Pool2D: Layer {
    /// How a window is reduced.
    public enum Method: Sendable {
        case max
        case average
    }

    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let parameters: [Parameter] = []
    public var computesInputGradient = true

    private let engine: ComputeEngine
    private let method: Method
    /// The windows (its batch is the prepared one).
    private(set) var geometry: PoolingGeometry
    private var buffers = BatchBuffers()
    /// The input and the maxima's positions of the latest forward pass, when it was a training one with max
    /// pooling (nil otherwise): what the backward pass routes by, and what compare-devices reads to tell engines that
    /// break near-ties differently from engines that disagree.
    private(set) var recordedMaxima: (input: Tensor, positions: Tensor)?

    /// Creates the layer for `[C, H, W]` inputs.
    public init(name: String, method: Method, inputShape: Shape, size: Int, stride: Int, padding: Int,
                engine: ComputeEngine) {
        self.name = name
        self.method = method
        self.inputShape = inputShape
        self.engine = engine
        geometry = PoolingGeometry(batch: 0, channels: inputShape[0], height: inputShape[1], width: inputShape[2],
                                   size: size, stride: stride, padding: padding)
        outputShape = Shape(inputShape[0], geometry.outputHeight, geometry.outputWidth)
    }

    public func prepare(batch: Int) throws {
        guard !buffers.isPrepared(for: batch) else { return }
        buffers.reset(batch: batch)
        geometry.batch = batch
        recordedMaxima = nil
    }

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        let shape = outputShape.batched(buffers.batch)
        let output = try buffers.tensor("output", shape, on: engine, layer: name)
        switch method {
        case .max:
            // The maxima's positions are only needed by a backward pass.
            let indices = training ? try buffers.tensor("indices", shape, on: engine, layer: name) : nil
            try engine.maxPool(input, geometry: geometry, into: output, indices: indices)
            recordedMaxima = indices.map { (input, $0) }
        case .average:
            try engine.avgPool(input, geometry: geometry, into: output)
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) throws -> Tensor {
        guard computesInputGradient else { return gradOutput }
        let gradInput = try buffers.tensor("gradInput", inputShape.batched(buffers.batch), on: engine, layer: name)
        switch method {
        case .max:
            guard let maxima = recordedMaxima else {
                preconditionFailure("\(name): backward without a training forward pass")
            }
            // dX[p] = Σ_{windows whose maximum is p} dY[window]
            try engine.maxPoolBackward(gradOutput, indices: maxima.positions, geometry: geometry, into: gradInput)
        case .average:
            // dX[p] = Σ_{windows ∋ p} dY[window] / size²
            try engine.avgPoolBackward(gradOutput, geometry: geometry, into: gradInput)
        }
        return gradInput
    }
}
