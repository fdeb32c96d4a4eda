import Engine

extension OpenCLEngine {
    public func im2col(_ input: Tensor, geometry g: ConvolutionGeometry, into columns: Tensor) throws {
        try launch("im2col", grid: Grid(x: g.outputHeight * g.outputWidth, y: g.channels, z: g.batch), [
            try buffer(input, atLeast: g.batch * g.channels * g.height * g.width, "im2col input"),
            try buffer(columns, atLeast: g.columnRows * g.columnCount, "im2col columns"),
        ] + (try geometryArguments(g)))
    }

    // gradInput[n,c,y,x] = Σ_{(ky,kx,oy,ox) reading (y,x)} columns[(c·KH+ky)·KW+kx, (n·OH+oy)·OW+ox].
    public func col2im(_ columns: Tensor, geometry g: ConvolutionGeometry, into gradInput: Tensor) throws {
        try launch("col2im", grid: Grid(x: g.height * g.width, y: g.channels, z: g.batch), [
            try buffer(columns, atLeast: g.columnRows * g.columnCount, "col2im columns"),
            try buffer(gradInput, atLeast: g.batch * g.channels * g.height * g.width, "col2im gradInput"),
        ] + (try geometryArguments(g)))
    }

    public func channelMajorToBatchMajor(_ source: Tensor, into destination: Tensor,
                                         batch: Int, channels: Int, spatial: Int) throws {
        try transpose("channel_major_to_batch_major", source, destination, batch, channels, spatial)
    }

    public func batchMajorToChannelMajor(_ source: Tensor, into destination: Tensor,
                                         batch: Int, channels: Int, spatial: Int) throws {
        try transpose("batch_major_to_channel_major", source, destination, batch, channels, spatial)
    }

    public func addBias(_ bias: Tensor, to tensor: Tensor, batch: Int, channels: Int, spatial: Int) throws {
        try launch("add_bias", grid: Grid(x: spatial, y: channels, z: batch), [
            try buffer(bias, atLeast: channels, "addBias bias"),
            try buffer(tensor, atLeast: batch * channels * spatial, "addBias tensor"),
            try int(channels, "channels"), try int(spatial, "spatial"),
        ])
    }

    // gradBias[c] = Σ_{n,s} gradOutput[n,c,s], one work-group per channel.
    public func biasGradient(_ gradOutput: Tensor, batch: Int, channels: Int, spatial: Int,
                             into gradBias: Tensor) throws {
        try launch("bias_gradient", groups: channels, [
            try buffer(gradOutput, atLeast: batch * channels * spatial, "biasGradient gradOutput"),
            try buffer(gradBias, atLeast: channels, "biasGradient gradBias"),
            try int(batch, "batch"), try int(channels, "channels"), try int(spatial, "spatial"), .localScratch,
        ])
    }

    private func transpose(_ kernel: String, _ source: Tensor, _ destination: Tensor,
                           _ batch: Int, _ channels: Int, _ spatial: Int) throws {
        let count = batch * channels * spatial
        try launch(kernel, grid: Grid(x: spatial, y: channels, z: batch), [
            try buffer(source, atLeast: count, "\(kernel) source"),
            try buffer(destination, atLeast: count, "\(kernel) destination"),
            try int(batch, "batch"), try int(channels, "channels"), try int(spatial, "spatial"),
        ])
    }

    /// The geometry as the `im2col`/`col2im` kernels take it, from `channels` to `columnCount`.
    private func geometryArguments(_ g: ConvolutionGeometry) throws -> [KernelArgument] {
        try [g.channels, g.height, g.width, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth,
             g.paddingHeight, g.paddingWidth, g.outputHeight, g.outputWidth, g.columnCount]
            .map { try int($0, "convolution geometry") }
    }
}
