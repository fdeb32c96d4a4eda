import Foundation

/// The network summary printed before training: a Darknet-style layer table with totals.
extension NetworkPlan {
    /// One row per layer (index, name, type and settings, input and output shapes, parameters, forward MFLOPs
    /// per image), then the totals: parameters and their float32 memory, GFLOPs per image forward, and training
    /// (forward + backward ≈ 3× forward).
    public func summaryTable() -> String {
        let header = ["#", "name", "type", "input", "output", "params", "MFLOPs"]
        let rows = layers.map { layer in
            [String(layer.index), layer.name, layer.config.kind.summary, LayerPlan.describe(layer.inputShape),
             LayerPlan.describe(layer.outputShape), NetworkPlan.grouped(layer.parameterCount),
             String(format: "%.3f", Double(layer.forwardFLOPs) / 1e6)]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [0, 5, 6]
        let lines = ([header] + rows).map { row in
            row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return rightAligned.contains(column) ? padding + row[column] : row[column] + padding
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let gigaFLOPs = Double(forwardFLOPs) / 1e9
        let mebibytes = Double(parameterCount * MemoryLayout<Float>.size) / 1_048_576
        let totals = [
            "input \(LayerPlan.describe(inputShape)), \(layers.count) layers, \(classCount) classes",
            "parameters: \(NetworkPlan.grouped(parameterCount)) (\(String(format: "%.2f", mebibytes)) MiB as float32)",
            "per image: forward \(String(format: "%.4f", gigaFLOPs)) GFLOPs, training ≈ \(String(format: "%.4f", 3 * gigaFLOPs)) GFLOPs (3× forward)",
        ]
        return (lines + totals).joined(separator: "\n") + "\n"
    }

    /// `3274634` as `3,274,634`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        return String(digits.enumerated().flatMap { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
        })
    }
}
