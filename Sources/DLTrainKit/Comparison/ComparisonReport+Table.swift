import Foundation

extension ComparisonReport {
    /// The human report: per-layer times side by side (hottest layers marked), then throughput, speed-up,
    /// projected training time and agreement per engine.
    public func table() -> String {
        var lines: [String] = []
        lines.append("compare-devices: \(config), batch \(batch), \(warmupIterations) warm-up + \(iterations) "
                     + "timed iterations per engine (synchronised)")
        for (index, engine) in engines.enumerated() { lines.append("  [\(index)] \(engine.engine)") }
        for (name, reason) in unavailable.sorted(by: { $0.key < $1.key }) {
            lines.append("  not measured: \(name): \(reason)")
        }
        lines.append("")
        lines += layerTable()
        lines.append("")
        lines += summaryTable()
        lines.append("")
        lines.append("ms: mean per iteration, forward/backward; GF/s: achieved GFLOP/s (forward + backward FLOPs")
        lines.append("of direct convolution: where an engine multiplies less, e.g. Winograd, it is an effective rate);")
        lines.append("* marks the layers that take most of the baseline's time. Agreement: largest relative")
        lines.append("difference max|a−b|/max|b| from [0] on the same weights and batch (logits, loss, gradients).")
        return lines.joined(separator: "\n")
    }

    private func layerTable() -> [String] {
        guard let baseline = engines.first else { return [] }
        let totals = baseline.layers.map { $0.forwardMilliseconds + $0.backwardMilliseconds }
        let threshold = totals.sorted(by: >).prefix(3).last ?? 0
        var header = ["layer", "type", "GFLOP"]
        for index in engines.indices { header += ["[\(index)] fwd ms", "bwd ms", "GF/s"] }
        var rows: [[String]] = []
        for (layerIndex, layer) in baseline.layers.enumerated() {
            let hot = totals[layerIndex] >= threshold && totals[layerIndex] > 0
            var row = [(hot ? "* " : "  ") + layer.name, layer.type,
                       String(format: "%.3f", (layer.forwardFLOPs + layer.backwardFLOPs) / 1e9)]
            for engine in engines {
                let timing = engine.layers[layerIndex]
                row += [String(format: "%.2f", timing.forwardMilliseconds),
                        String(format: "%.2f", timing.backwardMilliseconds),
                        String(format: "%.1f", timing.gigaFLOPsPerSecond)]
            }
            rows.append(row)
        }
        return Self.align([header] + rows, leftColumns: 2)
    }

    private func summaryTable() -> [String] {
        var rows = [["", "train img/s", "infer img/s", "step ms", "speed-up", "projected run", "agreement"]]
        for (index, engine) in engines.enumerated() {
            let agreement = engine.agreement.map {
                let verdict = $0.withinTolerance ? "ok" : $0.explainedByMaxPoolTies ? "ok (max-pool ties)"
                    : "OVER \($0.tolerance)"
                return String(format: "%.1e %@", $0.worst, verdict)
            } ?? "baseline"
            rows.append(["[\(index)]", String(format: "%.1f", engine.trainImagesPerSecond),
                         String(format: "%.1f", engine.inferenceImagesPerSecond),
                         String(format: "%.2f", engine.trainStepMilliseconds),
                         String(format: "%.2fx", engine.speedup),
                         engine.projectedTrainingSeconds.map { Self.duration($0) + " (\(epochs) epochs)" } ?? "n/a",
                         agreement])
        }
        var lines = Self.align(rows, leftColumns: 1)
        for (index, engine) in engines.enumerated() {
            guard let agreement = engine.agreement, !agreement.withinTolerance else { continue }
            lines.append(Self.difference(index, agreement))
        }
        return lines
    }

    /// The line under the summary for engine `index`, whose agreement is over the tolerance: where it differs most,
    /// and what imposing the first engine's max-pool choices showed.
    private static func difference(_ index: Int, _ agreement: Agreement) -> String {
        let head = String(format: "[%d] differs most in %@ (%.1e > %.0e)", index, agreement.worstTensor,
                          agreement.worst, agreement.tolerance)
        guard let ties = agreement.maxPoolTies else { return head + "." }
        let windows = "\(NetworkPlan.grouped(ties.rerouted)) of \(NetworkPlan.grouped(ties.windows)) max-pool windows"
        let imposed = String(format: "%.1e", ties.gradientsOnBaselineChoices)
        if agreement.explainedByMaxPoolTies {
            return head + " only through max-pool ties: \(windows) chose another of two values within the tolerance "
                + "of each other, routing their gradient to another pixel; with [0]'s choices imposed every gradient "
                + "agrees to \(imposed)."
        }
        var reasons: [String] = []
        if !ties.repeatsFirstPass { reasons.append("a second pass did not repeat the first bit for bit") }
        if ties.rerouted == 0 { reasons.append("every max-pool window chose what [0] chose") }
        if ties.nearTies < ties.rerouted {
            let missed = NetworkPlan.grouped(ties.rerouted - ties.nearTies)
            let rerouted = NetworkPlan.grouped(ties.rerouted)
            reasons.append("\(missed) of the \(rerouted) windows that chose another maximum held no near-tie")
        }
        if ties.gradientsOnBaselineChoices > agreement.tolerance {
            reasons.append("with [0]'s max-pool choices imposed the gradients still differ by \(imposed)")
        }
        return head + ", not through max-pool ties: " + reasons.joined(separator: "; ") + "."
    }

    /// Pads columns: the first `leftColumns` left-aligned, the rest right-aligned.
    static func align(_ rows: [[String]], leftColumns: Int) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column < leftColumns ? row[column] + padding : padding + row[column]
            }.joined(separator: "  ")
        }
    }

    /// `"1h02m"`, `"3m05s"`, `"42s"`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
