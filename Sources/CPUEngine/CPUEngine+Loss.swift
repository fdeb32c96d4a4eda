import Engine
import Foundation

extension CPUEngine {
    public func softmaxCrossEntropy(logits: Tensor, labels: Tensor, batch: Int, classes: Int,
                                    gradLogits: Tensor) throws -> LossResult {
        let (z, label, gradient) = (try cpu(logits).data, try cpu(labels).data, try cpu(gradLogits).data)
        try requireCount(batch * classes, logits, gradLogits, op: "softmaxCrossEntropy")
        try requireCount(batch, labels, op: "softmaxCrossEntropy")
        guard classes > 0 else { throw EngineError.invalidArgument("softmaxCrossEntropy: no classes") }
        for n in 0..<batch where !(label[n] >= 0 && label[n] < Float(classes) && label[n].rounded() == label[n]) {
            throw EngineError.invalidArgument(
                "softmaxCrossEntropy: label \(label[n]) of sample \(n) is not a class index below \(classes)")
        }
        let inverseBatch = 1 / Float(batch)
        // Per sample, into slots 2n and 2n + 1: loss = log Σ e^(z − max) + max − z[label], and 1 when the first
        // maximum is at the label.
        // A stack buffer for the usual batch sizes: no heap allocation per step.
        let (loss, correct) = withUnsafeTemporaryAllocation(of: Double.self, capacity: max(2 * batch, 1)) { buffer in
            let out = SendablePointer(buffer.baseAddress!)
            loop.forEach(batch, itemCost: 3 * classes) { samples in
                for n in samples {
                    let (row, gradRow) = (z.base + n * classes, gradient.base + n * classes)
                    var (maximum, argmax) = (row[0], 0)
                    for k in 1..<classes where row[k] > maximum { (maximum, argmax) = (row[k], k) }
                    var total: Float = 0
                    for k in 0..<classes {
                        let e = exp(row[k] - maximum)
                        gradRow[k] = e
                        total += e
                    }
                    let target = Int(label[n])
                    // dz = (softmax − onehot)/N
                    let scale = inverseBatch / total
                    for k in 0..<classes { gradRow[k] *= scale }
                    gradRow[target] -= inverseBatch
                    out[2 * n] = Double(log(total) + maximum - row[target])
                    out[2 * n + 1] = argmax == target ? 1 : 0
                }
            }
            var (loss, correct): (Double, Double) = (0, 0)
            for n in 0..<batch {
                loss += buffer[2 * n]
                correct += buffer[2 * n + 1]
            }
            return (loss, correct)
        }
        return LossResult(loss: Float(loss / Double(max(batch, 1))), correct: Int(correct))
    }
}
