import Engine

/// Logits, loss and every parameter gradient of one training forward/backward pass, on the host.
struct Snapshot {
    let logits: [Float]
    let loss: Float
    let gradients: [(name: String, values: [Float])]

    /// Runs one pass of `network` on `batch` from its current (freshly initialised) weights.
    init(network: Network, batch: SyntheticBatch) throws {
        network.seedDropout(runSeed: 1, step: 0)
        let result = try network.computeGradients(images: batch.images, labels: batch.labels,
                                                  batch: batch.labels.count)
        guard let logits = network.lastLogits else { preconditionFailure("computeGradients keeps its logits") }
        self.logits = try network.engine.download(logits)
        loss = result.loss
        gradients = try network.parameters.map { ($0.name, try network.engine.download($0.gradient)) }
    }

    /// Relative differences from `baseline`: `max|a − b| / max|b|` per tensor.
    func agreement(with baseline: Snapshot, tolerance: Double) -> ComparisonReport.Agreement {
        var gradientDifferences: [String: Double] = [:]
        for (mine, theirs) in zip(gradients, baseline.gradients) {
            gradientDifferences[mine.name] = Self.relativeDifference(mine.values, theirs.values)
        }
        return ComparisonReport.Agreement(
            logits: Self.relativeDifference(logits, baseline.logits),
            loss: Double(abs(loss - baseline.loss)) / max(Double(abs(baseline.loss)), 1e-12),
            gradients: gradientDifferences, tolerance: tolerance)
    }

    /// `max|a − b| / max|b|` (∞ when any value is not finite).
    static func relativeDifference(_ values: [Float], _ reference: [Float]) -> Double {
        var largestDifference = 0.0
        var scale = 0.0
        for (value, expected) in zip(values, reference) {
            guard value.isFinite, expected.isFinite else { return .infinity }
            largestDifference = max(largestDifference, Double(abs(value - expected)))
            scale = max(scale, Double(abs(expected)))
        }
        return largestDifference / max(scale, 1e-12)
    }
}
