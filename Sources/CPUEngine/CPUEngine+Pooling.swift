import CVectorKernels
import Engine

extension CPUEngine {
    public func maxPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor, indices: Tensor?) throws {
        let (x, y, index) = (try cpu(input).data, try cpu(output).data, try indices.map { try cpu($0).data })
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        try requireCount(g.planes * g.height * g.width, input, op: "maxPool")
        try requireCount(g.planes * outputHeight * outputWidth, output, op: "maxPool")
        if let indices { try requireCount(g.planes * outputHeight * outputWidth, indices, op: "maxPool") }
        loop.forEach(g.planes, itemCost: outputHeight * outputWidth * g.size * g.size) { planes in
            if g.padding == 0, !(g.size == 2 && g.stride == 2) {
                let (input, out) = (planes.lowerBound * g.height * g.width, planes.lowerBound * outputHeight * outputWidth)
                dl_max_pool_planes(x.base + input, Int32(planes.count), Int32(g.height), Int32(g.width), Int32(g.size),
                                   Int32(g.stride), Int32(outputHeight), Int32(outputWidth), y.base + out,
                                   index.map { $0.base + out })
                return
            }
            for plane in planes {
                let source = x.base + plane * g.height * g.width
                var out = plane * outputHeight * outputWidth
                if g.size == 2, g.stride == 2, g.padding == 0 {
                    dl_max_pool_2x2_plane(source, Int32(g.width), Int32(outputHeight), Int32(outputWidth),
                                          y.base + out, index.map { $0.base + out })
                    continue
                }
                for oy in 0..<outputHeight {
                    let (yFirst, yEnd) = Self.window(oy, g, extent: g.height)
                    for ox in 0..<outputWidth {
                        let (xFirst, xEnd) = Self.window(ox, g, extent: g.width)
                        // Only real pixels compete (padding never wins); ties keep the first in scan order.
                        var best = -Float.infinity
                        var bestIndex = yFirst * g.width + xFirst
                        for yy in yFirst..<yEnd {
                            for xx in xFirst..<xEnd {
                                // Selects, not branches: random data mispredicts every other comparison.
                                let (at, value) = (yy &* g.width &+ xx, source[yy &* g.width &+ xx])
                                let wins = value > best
                                best = wins ? value : best
                                bestIndex = wins ? at : bestIndex
                            }
                        }
                        y[out] = source[bestIndex]
                        index?[out] = Float(bestIndex)
                        out += 1
                    }
                }
            }
        }
    }

    public func maxPoolBackward(_ gradOutput: Tensor, indices: Tensor, geometry g: PoolingGeometry,
                                into gradInput: Tensor) throws {
        let (dy, index, dx) = (try cpu(gradOutput).data, try cpu(indices).data, try cpu(gradInput).data)
        let (planeSize, outputSize) = (g.height * g.width, g.outputHeight * g.outputWidth)
        try requireCount(g.planes * planeSize, gradInput, op: "maxPoolBackward")
        try requireCount(g.planes * outputSize, gradOutput, indices, op: "maxPoolBackward")
        if g.size == 2, g.stride == 2, g.padding == 0 {
            // Disjoint windows: every input pixel is written once, the maximum's dy or 0 (no zeroing pass).
            loop.forEach(g.planes, itemCost: planeSize + 2 * outputSize) { planes in
                for plane in planes {
                    dl_max_pool_2x2_backward_plane(dy.base + plane * outputSize, index.base + plane * outputSize,
                                                   Int32(g.height), Int32(g.width), Int32(g.outputHeight),
                                                   Int32(g.outputWidth), dx.base + plane * planeSize)
                }
            }
            return
        }
        // dx[p] = Σ_{windows w whose maximum is p} dy[w]; one thread per block of planes.
        loop.forEach(g.planes, itemCost: planeSize + 2 * outputSize) { planes in
            for plane in planes {
                let target = dx.base + plane * planeSize
                target.update(repeating: 0, count: planeSize)
                for o in plane * outputSize..<(plane + 1) * outputSize {
                    target[Int(index[o])] += dy[o]
                }
            }
        }
    }

    public func avgPool(_ input: Tensor, geometry g: PoolingGeometry, into output: Tensor) throws {
        let (x, y) = (try cpu(input).data, try cpu(output).data)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        try requireCount(g.planes * g.height * g.width, input, op: "avgPool")
        try requireCount(g.planes * outputHeight * outputWidth, output, op: "avgPool")
        let scale = 1 / Float(g.size * g.size)
        loop.forEach(g.planes, itemCost: outputHeight * outputWidth * g.size * g.size) { planes in
            for plane in planes {
                let source = x.base + plane * g.height * g.width
                var out = plane * outputHeight * outputWidth
                for oy in 0..<outputHeight {
                    let (yFirst, yEnd) = Self.window(oy, g, extent: g.height)
                    for ox in 0..<outputWidth {
                        let (xFirst, xEnd) = Self.window(ox, g, extent: g.width)
                        var total: Float = 0
                        for yy in yFirst..<yEnd {
                            for xx in xFirst..<xEnd { total += source[yy * g.width + xx] }
                        }
                        y[out] = total * scale
                        out += 1
                    }
                }
            }
        }
    }

    public func avgPoolBackward(_ gradOutput: Tensor, geometry g: PoolingGeometry, into gradInput: Tensor) throws {
        let (dy, dx) = (try cpu(gradOutput).data, try cpu(gradInput).data)
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let planeSize = g.height * g.width
        try requireCount(g.planes * planeSize, gradInput, op: "avgPoolBackward")
        try requireCount(g.planes * outputHeight * outputWidth, gradOutput, op: "avgPoolBackward")
        let scale = 1 / Float(g.size * g.size)
        // dx[p] = Σ_{windows w ∋ p} dy[w] / size²; one thread per block of planes.
        loop.forEach(g.planes, itemCost: outputHeight * outputWidth * g.size * g.size) { planes in
            for plane in planes {
                let target = dx.base + plane * planeSize
                target.update(repeating: 0, count: planeSize)
                var out = plane * outputHeight * outputWidth
                for oy in 0..<outputHeight {
                    let (yFirst, yEnd) = Self.window(oy, g, extent: g.height)
                    for ox in 0..<outputWidth {
                        let (xFirst, xEnd) = Self.window(ox, g, extent: g.width)
                        let share = dy[out] * scale
                        for yy in yFirst..<yEnd {
                            for xx in xFirst..<xEnd { target[yy * g.width + xx] += share }
                        }
                        out += 1
                    }
                }
            }
        }
    }

    /// The input coordinates `first..<end` of window `output` along one axis, clipped to `0..<extent`.
    private static func window(_ output: Int, _ g: PoolingGeometry, extent: Int) -> (Int, Int) {
        let start = output * g.stride - g.padding
        return (max(start, 0), min(start + g.size, extent))
    }
}
