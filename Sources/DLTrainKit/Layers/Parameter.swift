import Engine

/// A trainable tensor and its gradient, both on the engine.
public final class Parameter {
    /// The checkpoint name, `<layer>.weight` or `<layer>.bias`.
    public let name: String
    /// The current values.
    public let value: Tensor
    /// The gradient of the loss, overwritten by each backward pass.
    public let gradient: Tensor

    /// Allocates value and gradient tensors of `shape` on `engine` and uploads `initialValues`.
    public init(name: String, shape: Shape, initialValues: [Float], engine: ComputeEngine) throws {
        precondition(initialValues.count == shape.count, "\(name): \(initialValues.count) values for \(shape)")
        self.name = name
        value = try engine.makeTensor(shape, label: name)
        gradient = try engine.makeTensor(shape, label: "\(name).grad")
        try initialValues.withUnsafeBufferPointer { try engine.upload($0, to: value) }
        try engine.fill(gradient, with: 0)
    }
}
