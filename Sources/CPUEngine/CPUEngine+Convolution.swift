import Engine

extension CPUEngine {
    public func im2col(_ input: Tensor, geometry g: ConvolutionGeometry, into columns: Tensor) throws {
        let (source, destination) = (try cpu(input).data, try cpu(columns).data)
        try requireCount(g.batch * g.channels * g.height * g.width, input, op: "im2col")
        try requireCount(g.columnRows * g.columnCount, columns, op: "im2col")
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let kernelArea = g.kernelHeight * g.kernelWidth
        // One thread per block of rows (c, ky, kx): each row is `batch·outputHeight·outputWidth` contiguous floats.
        loop.forEach(g.columnRows, itemCost: g.columnCount) { rows in
            for row in rows {
                let (channel, ky, kx) = (row / kernelArea, row % kernelArea / g.kernelWidth, row % g.kernelWidth)
                let (xFirst, xEnd) = Self.validOutputs(kernel: kx, stride: g.strideWidth, padding: g.paddingWidth,
                                                       extent: g.width, outputs: outputWidth)
                let xShift = kx - g.paddingWidth
                for n in 0..<g.batch {
                    let plane = source.base + (n * g.channels + channel) * g.height * g.width
                    for oy in 0..<outputHeight {
                        let out = destination.base + row * g.columnCount + (n * outputHeight + oy) * outputWidth
                        let y = oy * g.strideHeight - g.paddingHeight + ky
                        guard y >= 0, y < g.height, xFirst < xEnd else {
                            out.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        out.update(repeating: 0, count: xFirst)
                        let line = plane + y * g.width + xShift
                        if g.strideWidth == 1 {
                            (out + xFirst).update(from: line + xFirst, count: xEnd - xFirst)
                        } else {
                            for ox in xFirst..<xEnd { out[ox] = line[ox * g.strideWidth] }
                        }
                        (out + xEnd).update(repeating: 0, count: outputWidth - xEnd)
                    }
                }
            }
        }
    }

    public func col2im(_ columns: Tensor, geometry g: ConvolutionGeometry, into gradInput: Tensor) throws {
        let (source, destination) = (try cpu(columns).data, try cpu(gradInput).data)
        try requireCount(g.batch * g.channels * g.height * g.width, gradInput, op: "col2im")
        try requireCount(g.columnRows * g.columnCount, columns, op: "col2im")
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let planeSize = g.height * g.width
        // gradInput[n, c, y, x] = Σ_{ky, kx, oy, ox hitting (y, x)} columns[(c, ky, kx), (n, oy, ox)].
        // Work items are (channel, block of samples): each owns its planes, so no two threads write the same
        // element, and reads each column row sequentially. Few channels split the batch to keep threads busy.
        let blocks = g.channels >= threads ? 1 : min(g.batch, threads)
        let rowWork = g.batch * outputHeight * outputWidth
        loop.forEach(g.channels * blocks, itemCost: g.kernelHeight * g.kernelWidth * rowWork / blocks) { items in
            for item in items {
                let (channel, block) = (item / blocks, item % blocks)
                let samples = g.batch * block / blocks..<g.batch * (block + 1) / blocks
                for n in samples {
                    (destination.base + (n * g.channels + channel) * planeSize).update(repeating: 0, count: planeSize)
                }
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let row = source.base + ((channel * g.kernelHeight + ky) * g.kernelWidth + kx) * g.columnCount
                        let (xFirst, xEnd) = Self.validOutputs(
                            kernel: kx, stride: g.strideWidth, padding: g.paddingWidth, extent: g.width,
                            outputs: outputWidth)
                        guard xFirst < xEnd else { continue }
                        for n in samples {
                            let plane = destination.base + (n * g.channels + channel) * planeSize
                            for oy in 0..<outputHeight {
                                let y = oy * g.strideHeight - g.paddingHeight + ky
                                guard y >= 0, y < g.height else { continue }
                                let column = row + (n * outputHeight + oy) * outputWidth
                                let line = plane + y * g.width + kx - g.paddingWidth
                                if g.strideWidth == 1 {
                                    Self.accumulate(column + xFirst, into: line + xFirst, count: xEnd - xFirst)
                                } else {
                                    for ox in xFirst..<xEnd { line[ox * g.strideWidth] += column[ox] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `destination[i] += source[i]` for `i` in `0..<count`, four at a time.
    static func accumulate(_ source: UnsafeMutablePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                           count: Int) {
        var i = 0
        while i + 4 <= count {
            let (a, b, c, d) = (source[i], source[i + 1], source[i + 2], source[i + 3])
            destination[i] += a
            destination[i + 1] += b
            destination[i + 2] += c
            destination[i + 3] += d
            i += 4
        }
        while i < count {
            destination[i] += source[i]
            i += 1
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
