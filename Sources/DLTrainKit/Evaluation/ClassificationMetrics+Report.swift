import Foundation

extension ClassificationMetrics {
    /// The human report: accuracy lines, per-class table and confusion matrix.
    public func textReport() -> String {
        var lines = [String(format: "accuracy  %.2f%%  (%d / %d)", accuracy * 100,
                            Int((accuracy * Double(count)).rounded()), count)]
        if let topFive = topFiveAccuracy { lines.append(String(format: "top-5     %.2f%%", topFive * 100)) }
        lines.append(String(format: "loss      %.4f", loss))
        lines.append("")
        let width = max(5, classNames.map(\.count).max() ?? 5)
        lines.append("class".padding(toLength: width, withPad: " ", startingAt: 0)
                     + "  precision  recall     f1  support")
        for score in perClass {
            lines.append(score.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: "  %9.3f  %6.3f  %5.3f  %7d", score.precision, score.recall, score.f1,
                                  score.support))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true class, columns: predicted)")
        let cell = max(5, String(confusion.flatMap { $0 }.max() ?? 0).count + 1)
        let rowLabels = classNames.enumerated().map { "\($0.offset) \($0.element)" }
        let labelWidth = rowLabels.map(\.count).max() ?? 0
        let header = "".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            + classNames.indices.map { pad(String($0), cell) }.joined()
        lines.append(header)
        for (index, row) in confusion.enumerated() {
            lines.append(rowLabels[index].padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                         + row.map { pad(String($0), cell) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The same content as one JSON object, for `--json`.
    public func jsonReport(extra: [String: Any] = [:]) throws -> String {
        var object: [String: Any] = [
            "accuracy": accuracy, "loss": loss, "count": count, "classes": classNames,
            "confusion_matrix": confusion,
            "per_class": perClass.map {
                ["name": $0.name, "precision": $0.precision, "recall": $0.recall, "f1": $0.f1,
                 "support": $0.support] as [String: Any]
            },
        ]
        if let topFive = topFiveAccuracy { object["top5_accuracy"] = topFive }
        object.merge(extra) { _, new in new }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
