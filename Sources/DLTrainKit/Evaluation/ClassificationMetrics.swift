import Foundation

/// Accuracy, top-5, cross-entropy, confusion matrix and per-class precision / recall / F1 over a labelled set.
public struct ClassificationMetrics: Sendable {
    /// The class names, in label order.
    public let classNames: [String]
    /// `confusion[truth][predicted]` counts.
    public private(set) var confusion: [[Int]]
    /// Samples seen.
    public private(set) var count = 0
    /// Samples whose true class is among the five largest logits.
    public private(set) var topFiveCorrect = 0
    private var lossSum = 0.0

    /// Creates empty metrics for `classNames`.
    public init(classNames: [String]) {
        self.classNames = classNames
        confusion = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    /// Adds a batch: `logits` is `labels.count × classes`, row-major.
    public mutating func add(logits: [Float], labels: [Int]) {
        let classes = classNames.count
        precondition(logits.count == labels.count * classes, "logits do not match labels × classes")
        for (row, label) in labels.enumerated() {
            let scores = logits[(row * classes)..<((row + 1) * classes)]
            let predicted = scores.indices.max { scores[$0] < scores[$1] }! - row * classes
            confusion[label][predicted] += 1
            let truth = scores[scores.startIndex + label]
            if scores.filter({ $0 > truth }).count < 5 { topFiveCorrect += 1 }
            let maximum = scores.max()!
            let logSum = Double(maximum) + log(scores.reduce(0.0) { $0 + exp(Double($1 - maximum)) })
            lossSum += logSum - Double(truth)
            count += 1
        }
    }

    /// Top-1 accuracy in [0, 1].
    public var accuracy: Double {
        count == 0 ? 0 : Double((0..<classNames.count).reduce(0) { $0 + confusion[$1][$1] }) / Double(count)
    }

    /// Top-5 accuracy in [0, 1]; `nil` with fewer than five classes.
    public var topFiveAccuracy: Double? {
        classNames.count < 5 || count == 0 ? nil : Double(topFiveCorrect) / Double(count)
    }

    /// Mean cross-entropy.
    public var loss: Double { count == 0 ? 0 : lossSum / Double(count) }

    /// Precision, recall, F1 and support of every class.
    public var perClass: [ClassScore] {
        classNames.indices.map { index in
            let truePositives = Double(confusion[index][index])
            let predicted = Double(confusion.reduce(0) { $0 + $1[index] })
            let actual = Double(confusion[index].reduce(0, +))
            let precision = predicted == 0 ? 0 : truePositives / predicted
            let recall = actual == 0 ? 0 : truePositives / actual
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassScore(name: classNames[index], precision: precision, recall: recall, f1: f1,
                              support: Int(actual))
        }
    }
}

/// One class's scores.
public struct ClassScore: Codable, Equatable, Sendable {
    public var name: String
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}
