/// A named float32 tensor as stored in a checkpoint: `conv1.weight` with shape [32, 1, 5, 5].
public struct NamedTensor: Sendable, Equatable {
    /// The tensor's key in the file, `<layer>.<parameter>` (`conv1.weight`, `optimizer.conv1.weight.momentum`).
    public let name: String
    /// The extent of each dimension, outermost first; [] for a scalar.
    public let shape: [Int]
    /// The values in row-major order; `shape`'s product of them.
    public let values: [Float]

    /// Creates a tensor; `values.count` must equal the product of `shape`.
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor \(name): negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == values.count, "tensor \(name): \(values.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.values = values
    }
}
