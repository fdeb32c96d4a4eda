import Engine

extension OpenCLEngine {
    public func maxPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor, indices: Tensor?) throws {
        let count = g.planes * g.outputHeight * g.outputWidth
        // Without indices (inference) the kernel's positions go to scratch: one store per output, nothing to save.
        let positions = try indices ?? scratch("maxPool unused indices", count: count)
        try launch("max_pool", grid: Self.outputGrid(g), [
            try buffer(input, atLeast: g.planes * g.height * g.width, "maxPool input"),
            try buffer(output, atLeast: count, "maxPool output"),
            try buffer(positions, atLeast: count, "maxPool indices"),
        ] + (try poolingArguments(g)))
    }

    // gradInput[p] = Σ_{windows w ∋ p, argmax(w) = p} gradOutput[w]: windows that cannot overlap (stride ≥ size)
    // scatter into a zeroed gradInput, overlapping ones are gathered per input pixel.
    public func maxPoolBackward(_ gradOutput: Tensor, indices: Tensor, geometry g: PoolingGeometry,
                                into gradInput: Tensor) throws {
        let outputs = g.planes * g.outputHeight * g.outputWidth
        let count = g.planes * g.height * g.width
        let gradients = try buffer(gradOutput, atLeast: outputs, "maxPoolBackward gradOutput")
        let maxima = try buffer(indices, atLeast: outputs, "maxPoolBackward indices")
        let result = try buffer(gradInput, atLeast: count, "maxPoolBackward gradInput")
        guard g.stride < g.size else {
            try fill(gradInput, with: 0)
            try launch("max_pool_backward_scatter", grid: Self.outputGrid(g), [
                gradients, maxima, result, try int(g.channels, "channels"), try int(g.height, "height"),
                try int(g.width, "width"), try int(g.outputHeight, "outputHeight"),
                try int(g.outputWidth, "outputWidth"),
            ])
            return
        }
        try launch("max_pool_backward", grid: Self.inputGrid(g),
                   [gradients, maxima, result] + (try poolingArguments(g)))
    }

    public func avgPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor) throws {
        try launch("avg_pool", grid: Self.outputGrid(g), [
            try buffer(input, atLeast: g.planes * g.height * g.width, "avgPool input"),
            try buffer(output, atLeast: g.planes * g.outputHeight * g.outputWidth, "avgPool output"),
        ] + (try poolingArguments(g)))
    }

    // gradInput[p] = Σ_{windows w ∋ p} gradOutput[w] / size², gathered per input pixel.
    public func avgPoolBackward(_ gradOutput: Tensor, geometry g: PoolingGeometry, into gradInput: Tensor) throws {
        try launch("avg_pool_backward", grid: Self.inputGrid(g), [
            try buffer(gradOutput, atLeast: g.planes * g.outputHeight * g.outputWidth, "avgPoolBackward gradOutput"),
            try buffer(gradInput, atLeast: g.planes * g.height * g.width, "avgPoolBackward gradInput"),
        ] + (try poolingArguments(g)))
    }

    /// One work-item per output: (position in the output plane, channel, image).
    private static func outputGrid(_ g: PoolingGeometry) -> Grid {
        Grid(x: g.outputHeight * g.outputWidth, y: g.channels, z: g.batch)
    }

    /// One work-item per input pixel: (position in the input plane, channel, image).
    private static func inputGrid(_ g: PoolingGeometry) -> Grid {
        Grid(x: g.height * g.width, y: g.channels, z: g.batch)
    }

    /// The geometry as the pooling kernels take it.
    private func poolingArguments(_ g: PoolingGeometry) throws -> [KernelArgument] {
        try [g.channels, g.height, g.width, g.size, g.stride, g.padding, g.outputHeight, g.outputWidth]
            .map { try int($0, "pooling geometry") }
    }
}
