import Engine

extension CPUEngine {
    public func im2col(_ input: Tensor, geometry g: ConvolutionGeometry, into columns: Tensor) throws {
        let (source, destination) = (try cpu(input).data, try cpu(columns).data)
        try requireCount(g.batch * g.channels * g.height * g.width, input, op: "im2col")
        try requireCount(g.columnRows * g.columnCount, columns, op: "im2col")
        let (spatial, sampleSize) = (g.outputHeight * g.outputWidth, g.channels * g.height * g.width)
        // One thread per block of rows (c, ky, kx): each row is `batch·outputHeight·outputWidth` contiguous floats.
        loop.forEach(g.columnRows, itemCost: g.columnCount) { rows in
            for row in rows {
                for n in 0..<g.batch {
                    Self.unfoldRow(row, of: source.base + n * sampleSize, g,
                                   into: destination.base + row * g.columnCount + n * spatial)
                }
            }
        }
    }

    public func col2im(_ columns: Tensor, geometry g: ConvolutionGeometry, into gradInput: Tensor) throws {
        let (source, destination) = (try cpu(columns).data, try cpu(gradInput).data)
        try requireCount(g.batch * g.channels * g.height * g.width, gradInput, op: "col2im")
        try requireCount(g.columnRows * g.columnCount, columns, op: "col2im")
        let (spatial, planeSize) = (g.outputHeight * g.outputWidth, g.height * g.width)
        // gradInput[n, c, y, x] = Σ_{ky, kx, oy, ox hitting (y, x)} columns[(c, ky, kx), (n, oy, ox)].
        // Work items are (channel, block of samples): each owns its planes, so no two threads write the same
        // element. Few channels split the batch to keep threads busy.
        let blocks = g.channels >= threads ? 1 : min(g.batch, threads)
        loop.forEach(g.channels * blocks, itemCost: g.kernelHeight * g.kernelWidth * g.columnCount / blocks) { items in
            for item in items {
                let (channel, block) = (item / blocks, item % blocks)
                for n in g.batch * block / blocks..<g.batch * (block + 1) / blocks {
                    let plane = destination.base + (n * g.channels + channel) * planeSize
                    plane.update(repeating: 0, count: planeSize)
                    Self.foldChannel(channel, columns: source.base + n * spatial, ld: g.columnCount, g, into: plane)
                }
            }
        }
    }

    /// The outputs `xFirst..<xEnd` whose input coordinate `o·stride − padding + kernel` lies inside `0..<extent`.
    static func validOutputs(kernel: Int, stride: Int, padding: Int, extent: Int, outputs: Int) -> (Int, Int) {
        let shift = kernel - padding
        // o·stride + shift ≥ 0  ⇔  o ≥ ceil(−shift / stride).
        let first = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        // o·stride + shift ≤ extent − 1  ⇔  o ≤ floor((extent − 1 − shift) / stride).
        let last = extent - 1 - shift
        let end = last < 0 ? 0 : last / stride + 1
        return (min(first, outputs), min(max(end, first), outputs))
    }

    public func channelMajorToBatchMajor(_ source: Tensor, into destination: Tensor,
                                         batch: Int, channels: Int, spatial: Int) throws {
        try transposeOuter(source, into: destination, outer: channels, inner: batch, spatial: spatial)
    }

    public func batchMajorToChannelMajor(_ source: Tensor, into destination: Tensor,
                                         batch: Int, channels: Int, spatial: Int) throws {
        try transposeOuter(source, into: destination, outer: batch, inner: channels, spatial: spatial)
    }

    /// `destination[i, o, s] = source[o, i, s]` for a `[outer, inner, spatial]` source.
    private func transposeOuter(_ source: Tensor, into destination: Tensor,
                                outer: Int, inner: Int, spatial: Int) throws {
        let (from, to) = (try cpu(source).data, try cpu(destination).data)
        try requireCount(outer * inner * spatial, source, destination, op: "layout transpose")
        loop.forEach(outer * inner, itemCost: 2 * spatial) { blocks in
            for block in blocks {
                let (i, o) = (block / outer, block % outer)
                (to.base + block * spatial).update(from: from.base + (o * inner + i) * spatial, count: spatial)
            }
        }
    }

    public func addBias(_ bias: Tensor, to tensor: Tensor, batch: Int, channels: Int, spatial: Int) throws {
        try requireCount(batch * channels * spatial, tensor, op: "addBias")
        try requireCount(channels, bias, op: "addBias")
        let (bias, data) = (try cpu(bias).data, try cpu(tensor).data)
        if spatial == 1 {
            loop.forEach(batch, itemCost: channels) { rows in
                for n in rows {
                    let row = data.base + n * channels
                    for c in 0..<channels { row[c] += bias[c] }
                }
            }
            return
        }
        loop.forEach(batch * channels, itemCost: spatial) { planes in
            for plane in planes {
                let (start, value) = (data.base + plane * spatial, bias[plane % channels])
                for s in 0..<spatial { start[s] += value }
            }
        }
    }

    public func biasGradient(_ gradOutput: Tensor, batch: Int, channels: Int, spatial: Int,
                             into gradBias: Tensor) throws {
        let (gradient, result) = (try cpu(gradOutput).data, try cpu(gradBias).data)
        try requireCount(batch * channels * spatial, gradOutput, op: "biasGradient")
        try requireCount(channels, gradBias, op: "biasGradient")
        // gradBias[c] = Σ_{n,s} gradOutput[n, c, s]: float sums per plane, double across planes.
        loop.forEach(channels, itemCost: batch * spatial) { channelRange in
            for c in channelRange {
                var total: Double = 0
                for n in 0..<batch {
                    total += Double(Self.sum(gradient.base + (n * channels + c) * spatial, count: spatial))
                }
                result[c] = Float(total)
            }
        }
    }
}
