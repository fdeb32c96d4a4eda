/// A square max or average pooling window over a C×H×W input.
public struct PoolConfig: Sendable, Equatable {
    /// Window height and width.
    public var size: Int
    public var stride: Int
    /// Padding on each side (at most half the window, as in PyTorch); average pooling counts padded zeros.
    public var padding: Int

    /// Creates a pooling layer config; the stride defaults to the window size.
    public init(size: Int, stride: Int? = nil, padding: Int = 0) {
        self.size = size
        self.stride = stride ?? size
        self.padding = padding
    }
}
