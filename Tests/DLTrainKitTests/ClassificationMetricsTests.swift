import XCTest
@testable import DLTrainKit

/// Accuracy, top-5, per-class scores and the confusion matrix against hand-computed values.
final class ClassificationMetricsTests: XCTestCase {
    private let names = ["a", "b", "c", "d", "e", "f"]

    /// Logits with the largest value at `predicted` and the true class ranked `truthRank` (0 = first).
    private func logits(predicted: Int, truth: Int, truthRank: Int) -> [Float] {
        var row = [Float](repeating: 0, count: names.count)
        var order = Array(names.indices).filter { $0 != truth }
        order.insert(truth, at: truthRank)
        if truthRank > 0, let index = order.firstIndex(of: predicted) { order.swapAt(index, 0) }
        for (rank, index) in order.enumerated() { row[index] = Float(names.count - rank) }
        return row
    }

    func testScoresMatchHandComputedValues() {
        var metrics = ClassificationMetrics(classNames: names)
        // Truth → prediction: a→a, a→b (truth 2nd), b→b, c→a (truth 6th), c→c.
        metrics.add(logits: logits(predicted: 0, truth: 0, truthRank: 0) + logits(predicted: 1, truth: 0, truthRank: 1),
                    labels: [0, 0])
        metrics.add(logits: logits(predicted: 1, truth: 1, truthRank: 0) + logits(predicted: 0, truth: 2, truthRank: 5)
                    + logits(predicted: 2, truth: 2, truthRank: 0), labels: [1, 2, 2])
        XCTAssertEqual(metrics.count, 5)
        XCTAssertEqual(metrics.accuracy, 3.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(metrics.topFiveAccuracy ?? -1, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(metrics.confusion[0], [1, 1, 0, 0, 0, 0])
        XCTAssertEqual(metrics.confusion[2], [1, 0, 1, 0, 0, 0])
        let a = metrics.perClass[0]
        XCTAssertEqual(a.precision, 0.5, accuracy: 1e-12)  // predicted a twice, right once
        XCTAssertEqual(a.recall, 0.5, accuracy: 1e-12)
        XCTAssertEqual(a.f1, 0.5, accuracy: 1e-12)
        let b = metrics.perClass[1]
        XCTAssertEqual(b.precision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(b.recall, 1, accuracy: 1e-12)
        XCTAssertEqual(b.f1, 2 * 0.5 / 1.5, accuracy: 1e-12)
        XCTAssertEqual(metrics.perClass[3].support, 0)
        XCTAssertEqual(metrics.perClass[3].f1, 0)
    }

    func testTopFiveNeedsFiveClassesAndTheReportLabelsEveryRow() {
        var metrics = ClassificationMetrics(classNames: ["t-shirt_top", "trouser"])
        metrics.add(logits: [2, 1, 0, 3], labels: [0, 1])
        XCTAssertNil(metrics.topFiveAccuracy)
        let report = metrics.textReport()
        XCTAssert(report.contains("accuracy  100.00%  (2 / 2)"), report)
        XCTAssert(report.contains("0 t-shirt_top  "), "row labels are not cut: \(report)")
    }
}
