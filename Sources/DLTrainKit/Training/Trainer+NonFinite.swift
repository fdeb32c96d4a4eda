import Engine

/// Finding where a NaN or infinity appeared, and undoing a skipped step's side effects.
///
/// Cost: with `on_nonfinite: "stop"` nothing is checked on a healthy step beyond the loss, which is downloaded
/// anyway. A non-finite gradient that leaves the loss finite is applied, makes the weights non-finite, and so
/// makes the next step's loss non-finite; the diagnosis then names the weights. Checkpoints are checked value by
/// value when written, so a non-finite model is never saved. With `"skip"` every gradient is checked before
/// every update (one `sumOfSquares` read per parameter tensor), because a bad update cannot be undone.
extension Trainer {
    /// What first became NaN or infinite in this step (the loss is `loss`), or nil when all is finite.
    func nonFiniteFault(loss: Float, batch: BatchLoader.Batch) throws -> String? {
        if loss.isFinite {
            let gradient = try network.parameters.reversed().first { !(try isFinite($0.gradient)) }
            return gradient.map { "the gradient of \($0.name)" }
        }
        if let weights = try network.parameters.reversed().first(where: { !(try isFinite($0.value)) }) {
            return "the weights \(weights.name) (updated at step \(step))"
        }
        let input = try engine.makeTensor(network.inputShape.batched(batch.count), label: "diagnosis input")
        try batch.images.withUnsafeBufferPointer { try engine.upload($0, to: input) }
        var activations = input
        for layer in network.layers {
            activations = try layer.forward(activations, training: true)
            if !(try isFinite(activations)) { return "the output of layer \(layer.name)" }
        }
        return "the loss (the logits of layer \(network.layers[network.layers.count - 1].name) are too large)"
    }

    /// Copies the layers' non-trainable state (batch-norm running statistics) aside.
    func saveLayerState() throws -> [Tensor] {
        try network.layers.flatMap(\.state).map { name, tensor in
            let copy = try engine.makeTensor(tensor.shape, label: "\(name) before the step")
            try engine.copy(tensor, to: copy)
            return copy
        }
    }

    /// Puts back what `saveLayerState` copied.
    func restoreLayerState(_ saved: [Tensor]) throws {
        for ((_, tensor), copy) in zip(network.layers.flatMap(\.state), saved) { try engine.copy(copy, to: tensor) }
    }

    private func isFinite(_ tensor: Tensor) throws -> Bool {
        try engine.sumOfSquares(tensor).isFinite
    }
}
