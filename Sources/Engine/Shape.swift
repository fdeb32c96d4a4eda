/// The dimensions of a tensor, outermost first. Batches of images are NCHW.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// The extent of each dimension, outermost first.
    public var dimensions: [Int]

    /// Creates a shape from its dimensions, outermost first.
    public init(_ dimensions: [Int]) {
        self.dimensions = dimensions
    }

    /// Creates a shape from its dimensions, outermost first.
    public init(_ dimensions: Int...) {
        self.dimensions = dimensions
    }

    /// The number of elements a tensor of this shape holds.
    public var count: Int { dimensions.reduce(1, *) }

    /// The number of dimensions.
    public var rank: Int { dimensions.count }

    /// The extent of dimension `index`.
    public subscript(index: Int) -> Int { dimensions[index] }

    /// The shape with `batch` prepended: the batch shape of one sample shaped like `self`.
    public func batched(_ batch: Int) -> Shape { Shape([batch] + dimensions) }

    /// The shape without its first dimension: one sample of a batch.
    public var sample: Shape { Shape(Array(dimensions.dropFirst())) }

    /// `"1x28x28"`.
    public var description: String { dimensions.map(String.init).joined(separator: "x") }
}
