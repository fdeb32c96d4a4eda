import Engine

/// Logits, loss and every parameter gradient of one training forward/backward pass, on the host.
struct Snapshot {
    let logits: [Float]
    let loss: Float
    let gradients: [(name: String, values: [Float])]
    /// The maxima the pass's max-pool layers chose.
    let maxPoolChoices: MaxPoolChoices

    /// Runs one pass of `network` on `batch` from its current (freshly initialised) weights.
    init(network: Network, batch: SyntheticBatch) throws {
        try self.init(network: network, batch: batch) { }
    }

    /// Runs one pass of `network` on `batch`, calling `beforeBackward` between the forward and the backward pass.
    private init(network: Network, batch: SyntheticBatch, beforeBackward: () throws -> Void) throws {
        network.seedDropout(runSeed: 1, step: 0)
        let result = try network.trainingForward(images: batch.images, labels: batch.labels,
                                                 batch: batch.labels.count)
        try beforeBackward()
        try network.backwardFromLoss()
        guard let logits = network.lastLogits else { preconditionFailure("trainingForward keeps its logits") }
        self.logits = try network.engine.download(logits)
        loss = result.loss
        gradients = try network.parameters.map { ($0.name, try network.engine.download($0.gradient)) }
        maxPoolChoices = try MaxPoolChoices(network: network)
    }

    /// Relative differences from `baseline`: `max|a − b| / max|b|` per tensor. Where only gradients differ by more
    /// than `tolerance` (the logits and the loss within it) and the net has max pools, `network` (the net of this
    /// snapshot, its weights unchanged since) runs the pass again, the baseline's max-pool choices imposed before
    /// its backward pass, and the agreement says what that found (`ComparisonReport.MaxPoolTies`).
    func agreement(with baseline: Snapshot, tolerance: Double, network: Network, batch: SyntheticBatch) throws
        -> ComparisonReport.Agreement {
        var agreement = ComparisonReport.Agreement(
            logits: Self.relativeDifference(logits, baseline.logits),
            loss: Double(abs(loss - baseline.loss)) / max(Double(abs(baseline.loss)), 1e-12),
            gradients: gradientDifferences(from: baseline), tolerance: tolerance)
        guard !agreement.withinTolerance, agreement.logits <= tolerance, agreement.loss <= tolerance,
              !baseline.maxPoolChoices.layers.isEmpty else { return agreement }
        var imposition = MaxPoolChoices.Imposition()
        let imposed = try Snapshot(network: network, batch: batch) {
            imposition = try baseline.maxPoolChoices.impose(on: network, repeating: maxPoolChoices,
                                                            tolerance: tolerance)
        }
        agreement.maxPoolTies = ComparisonReport.MaxPoolTies(
            windows: imposition.windows, rerouted: imposition.rerouted, nearTies: imposition.nearTies,
            repeatsFirstPass: imposition.repeatedOwnChoices && imposed.logits == logits,
            gradientsOnBaselineChoices: imposed.gradientDifferences(from: baseline).values.max() ?? 0)
        return agreement
    }

    /// `relativeDifference` of each parameter gradient from `baseline`'s, by tensor name.
    private func gradientDifferences(from baseline: Snapshot) -> [String: Double] {
        var differences: [String: Double] = [:]
        for (mine, theirs) in zip(gradients, baseline.gradients) {
            differences[mine.name] = Self.relativeDifference(mine.values, theirs.values)
        }
        return differences
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
