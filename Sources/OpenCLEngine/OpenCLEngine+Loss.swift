import Engine

extension OpenCLEngine {
    /// Per-row losses and hits on the device, summed there into two floats: the only download.
    public func softmaxCrossEntropy(logits: Tensor, labels: Tensor, batch: Int, classes: Int,
                                    gradLogits: Tensor) throws -> LossResult {
        let rowStats = try scratch("softmaxCrossEntropy row statistics", count: 2 * batch)
        let totals = try scratch("softmaxCrossEntropy totals", count: 2)
        let rows = try buffer(rowStats, atLeast: 2 * batch, "row statistics")
        // ∂loss/∂logits = (softmax − onehot)/N.
        try launch("softmax_cross_entropy_rows", items: batch, [
            try buffer(logits, atLeast: batch * classes, "softmaxCrossEntropy logits"),
            try buffer(labels, atLeast: batch, "softmaxCrossEntropy labels"),
            try buffer(gradLogits, atLeast: batch * classes, "softmaxCrossEntropy gradLogits"),
            rows, try int(batch, "batch"), try int(classes, "classes"),
        ])
        try launch("sum_segments", groups: 2, [
            rows, try int(batch, "batch"), try buffer(totals, atLeast: 2, "totals"), .localScratch,
        ])
        let sums = try read(try memory(totals, atLeast: 2, "totals"), count: 2, totals)
        return LossResult(loss: sums[0] / Float(batch), correct: Int(sums[1].rounded()))
    }

    /// Partial sums per work-group, then one work-group adds them: one float comes back.
    public func sumOfSquares(_ tensor: Tensor) throws -> Float {
        let width = try workGroupSize(of: "sum_squares_partial")
        let groups = max(1, min(64, (tensor.count + width - 1) / width))
        let partials = try scratch("sumOfSquares partials", count: groups)
        let total = try scratch("sumOfSquares total", count: 1)
        let partialBuffer = try buffer(partials, atLeast: groups, "partials")
        try launch("sum_squares_partial", groups: groups, [
            try buffer(tensor, atLeast: tensor.count, "sumOfSquares"), try int(tensor.count, "sumOfSquares size"),
            partialBuffer, .localScratch,
        ])
        try launch("sum_segments", groups: 1, [
            partialBuffer, try int(groups, "groups"), try buffer(total, atLeast: 1, "total"), .localScratch,
        ])
        return try read(try memory(total, atLeast: 1, "total"), count: 1, total)[0]
    }

    /// A device buffer of at least `count` floats kept for `purpose`, allocated again only when it must grow.
    /// The queue is in order, so a later call cannot overwrite it while an earlier kernel still reads it.
    func scratch(_ purpose: String, count: Int) throws -> Tensor {
        if let existing = scratchTensors[purpose], existing.count >= count { return existing }
        let made = try makeTensor(Shape(count), label: purpose)
        scratchTensors[purpose] = made
        return made
    }
}
