import Engine

extension OpenCLEngine {
    public func maxPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor, indices: Tensor) throws {
        let count = g.planes * g.outputHeight * g.outputWidth
        try launch("max_pool", items: count, [
            try buffer(input, atLeast: g.planes * g.height * g.width, "maxPool input"),
            try buffer(output, atLeast: count, "maxPool output"),
            try buffer(indices, atLeast: count, "maxPool indices"),
        ] + (try poolingArguments(g, count: count)))
    }

    // gradInput[p] = Σ_{windows w ∋ p, argmax(w) = p} gradOutput[w], gathered per input pixel.
    public func maxPoolBackward(_ gradOutput: Tensor, indices: Tensor, geometry g: PoolingGeometry,
                                into gradInput: Tensor) throws {
        let outputs = g.planes * g.outputHeight * g.outputWidth
        let count = g.planes * g.height * g.width
        try launch("max_pool_backward", items: count, [
            try buffer(gradOutput, atLeast: outputs, "maxPoolBackward gradOutput"),
            try buffer(indices, atLeast: outputs, "maxPoolBackward indices"),
            try buffer(gradInput, atLeast: count, "maxPoolBackward gradInput"),
        ] + (try poolingArguments(g, count: count)))
    }

    public func avgPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor) throws {
        let count = g.planes * g.outputHeight * g.outputWidth
        try launch("avg_pool", items: count, [
            try buffer(input, atLeast: g.planes * g.height * g.width, "avgPool input"),
            try buffer(output, atLeast: count, "avgPool output"),
        ] + (try poolingArguments(g, count: count)))
    }

    // gradInput[p] = Σ_{windows w ∋ p} gradOutput[w] / size², gathered per input pixel.
    public func avgPoolBackward(_ gradOutput: Tensor, geometry g: PoolingGeometry, into gradInput: Tensor) throws {
        let count = g.planes * g.height * g.width
        try launch("avg_pool_backward", items: count, [
            try buffer(gradOutput, atLeast: g.planes * g.outputHeight * g.outputWidth, "avgPoolBackward gradOutput"),
            try buffer(gradInput, atLeast: count, "avgPoolBackward gradInput"),
        ] + (try poolingArguments(g, count: count)))
    }

    /// The geometry as the pooling kernels take it, then the number of work-items.
    private func poolingArguments(_ g: PoolingGeometry, count: Int) throws -> [KernelArgument] {
        try [g.height, g.width, g.size, g.stride, g.padding, g.outputHeight, g.outputWidth, count]
            .map { try int($0, "pooling geometry") }
    }
}
