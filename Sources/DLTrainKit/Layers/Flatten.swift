import Engine

/// Reinterprets `[C, H, W]` as `[C·H·W]`; NCHW is already flat per sample, so no data moves.
public final class Flatten: Layer {
    public let name: String
    public let inputShape: Shape
    public let outputShape: Shape
    public let parameters: [Parameter] = []
    public var computesInputGradient = true

    /// Creates the layer.
    public init(name: String, inputShape: Shape) {
        self.name = name
        self.inputShape = inputShape
        outputShape = Shape(inputShape.count)
    }

    public func prepare(batch: Int) throws {}

    public func forward(_ input: Tensor, training: Bool) throws -> Tensor { input }

    // dX = dY (same memory layout)
    public func backward(_ gradOutput: Tensor) throws -> Tensor { gradOutput }
}
