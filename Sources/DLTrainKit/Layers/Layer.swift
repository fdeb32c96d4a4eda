import Engine

/// One stage of a network, written once against `ComputeEngine` (Caffe's lifecycle: prepare, forward, backward).
///
/// Shapes are per-sample (`[C, H, W]` or `[features]`); batch tensors prepend the batch size. A layer keeps what
/// its backward pass needs (its input, output, indices…) from the latest `forward` call, which must be a training
/// one (`training: true`): an inference forward may skip what only a backward pass reads.
public protocol Layer: AnyObject {
    /// The name that keys this layer's tensors in checkpoints (`conv1` → `conv1.weight`).
    var name: String { get }
    /// The shape of one input sample.
    var inputShape: Shape { get }
    /// The shape of one output sample.
    var outputShape: Shape { get }
    /// Trainable tensors with their gradients.
    var parameters: [Parameter] { get }
    /// Non-trainable state saved in checkpoints (batch-norm running statistics), keyed by full tensor name.
    var state: [(name: String, tensor: Tensor)] { get }
    /// Whether `backward` must produce the gradient of the input: false at and below the network's first layer with
    /// parameters, where the backward pass ends.
    var computesInputGradient: Bool { get set }

    /// Allocates the batch buffers for `batch` samples; reallocates only when the batch size changes.
    func prepare(batch: Int) throws

    /// Computes the output of a prepared batch; `training` selects batch statistics and dropout, and keeps what
    /// `backward` needs.
    func forward(_ input: Tensor, training: Bool) throws -> Tensor

    /// Accumulates nothing: overwrites parameter gradients and returns the input gradient (or, in layers that skip
    /// it, `gradOutput` itself when `computesInputGradient` is false). May overwrite `gradOutput`.
    func backward(_ gradOutput: Tensor) throws -> Tensor
}

extension Layer {
    /// Layers without state save none.
    public var state: [(name: String, tensor: Tensor)] { [] }
}
