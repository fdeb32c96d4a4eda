/// Runs a network over a whole labelled set in evaluation mode (running statistics, no dropout).
public enum Evaluator {
    /// Accuracy, top-5, loss, confusion matrix and per-class scores of `network` on every batch of `loader`.
    public static func evaluate(_ network: Network, loader: BatchLoader, classNames: [String]) throws
        -> ClassificationMetrics {
        var metrics = ClassificationMetrics(classNames: classNames)
        let epoch = loader.batches(epoch: 0, training: false)
        while let batch = try epoch.next() {
            let logits = try network.predict(images: batch.images, batch: batch.count)
            metrics.add(logits: logits, labels: batch.labels.map { Int($0) })
        }
        return metrics
    }
}
