import Engine

/// Lazily (re)allocated batch tensors of a layer: one set per batch size, replaced when the size changes.
struct BatchBuffers {
    private(set) var batch = 0
    private var tensors: [String: Tensor] = [:]

    /// Whether buffers for `batch` are already allocated.
    func isPrepared(for batch: Int) -> Bool { self.batch == batch }

    /// Drops the previous set and remembers the new batch size.
    mutating func reset(batch: Int) {
        tensors.removeAll()
        self.batch = batch
    }

    /// Allocates (once per batch size) the tensor `key` of `shape` on `engine`.
    mutating func tensor(_ key: String, _ shape: Shape, on engine: ComputeEngine, layer: String) throws -> Tensor {
        if let existing = tensors[key] { return existing }
        let made = try engine.makeTensor(shape, label: "\(layer).\(key) \(shape)")
        tensors[key] = made
        return made
    }
}
