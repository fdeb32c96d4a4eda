import Engine

/// A trainable tensor and its gradient, both on the engine.
public final class Parameter {
    /// The checkpoint name, `<layer>.weight` or `<layer>.bias`.
    public let name: String
    /// The current values.
    public let value: Tensor
    /// The gradient of the loss, overwritten by each backward pass, except where the layer applied the optimizer's
    /// update itself: then it may hold stale values (see `ComputeEngine.denseBackward(…applying:)`).
    public let gradient: Tensor
    /// Who applies this step's optimizer update.
    var update = ParameterUpdate.optimizer

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

/// Who applies a parameter's optimizer update in the current step.
enum ParameterUpdate {
    /// The optimizer, after the backward pass.
    case optimizer
    /// The parameter's layer may apply this SGD step in the backward pass, as soon as it has the gradient.
    case offered(SGDStep)
    /// The layer did: the optimizer leaves the parameter alone this step.
    case appliedByLayer
}
