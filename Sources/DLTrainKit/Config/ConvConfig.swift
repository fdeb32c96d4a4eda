/// A 2-D convolution: `filters` square kernels of `size`×`size`, over a C×H×W input.
public struct ConvConfig: Sendable, Equatable {
    /// Output channels.
    public var filters: Int
    /// Kernel height and width.
    public var size: Int
    public var stride: Int
    /// Zero padding on each side.
    public var padding: Int
    /// Whether the layer adds a learned per-filter bias.
    public var bias: Bool
    /// Applied to the output (fused).
    public var activation: ActivationConfig

    /// Creates a convolution layer config.
    public init(
        filters: Int, size: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
        activation: ActivationConfig = .linear
    ) {
        self.filters = filters
        self.size = size
        self.stride = stride
        self.padding = padding
        self.bias = bias
        self.activation = activation
    }
}
