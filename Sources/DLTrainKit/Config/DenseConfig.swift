/// A fully connected layer; a C×H×W input is flattened implicitly (no `flatten` layer needed).
public struct DenseConfig: Sendable, Equatable {
    /// Output features.
    public var units: Int
    /// Whether the layer adds a learned per-unit bias.
    public var bias: Bool
    /// Applied to the output (fused).
    public var activation: ActivationConfig

    /// Creates a dense layer config.
    public init(units: Int, bias: Bool = true, activation: ActivationConfig = .linear) {
        self.units = units
        self.bias = bias
        self.activation = activation
    }
}
