import Engine
import Foundation

extension CPUEngine {
    public func activate(_ activation: Activation, _ input: Tensor, into output: Tensor) throws {
        let (x, y) = (try cpu(input).data, try cpu(output).data)
        try requireSameCount(input, output, op: "activate")
        loop.forEach(input.count, itemCost: 2) { range in
            Self.activate(activation, x.base + range.lowerBound, into: y.base + range.lowerBound, count: range.count)
        }
    }

    public func activationBackward(_ activation: Activation, output: Tensor, gradOutput: Tensor,
                                   into gradInput: Tensor) throws {
        let (y, dy, dx) = (try cpu(output).data, try cpu(gradOutput).data, try cpu(gradInput).data)
        try requireSameCount(output, gradOutput, op: "activationBackward")
        try requireSameCount(output, gradInput, op: "activationBackward")
        loop.forEach(output.count, itemCost: 3) { range in
            let start = range.lowerBound
            Self.activationGradient(activation, output: y.base + start, gradOutput: dy.base + start,
                                    into: dx.base + start, count: range.count)
        }
    }

    public func addBiasActivate(_ bias: Tensor?, activation: Activation?, to tensor: Tensor, batch: Int,
                                channels: Int, spatial: Int) throws {
        try requireCount(batch * channels * spatial, tensor, op: "addBiasActivate")
        if let bias { try requireCount(channels, bias, op: "addBiasActivate") }
        let (b, data) = (try bias.map { try cpu($0).data }, try cpu(tensor).data)
        if spatial == 1, let b {
            loop.forEach(batch, itemCost: 2 * channels) { rows in
                for n in rows {
                    let row = data.base + n * channels
                    for c in 0..<channels { row[c] += b[c] }
                    if let activation { Self.activate(activation, row, into: row, count: channels) }
                }
            }
            return
        }
        loop.forEach(batch, itemCost: 2 * channels * spatial) { samples in
            for n in samples {
                Self.biasActivate(data.base + n * channels * spatial, bias: b?.base, activation: activation,
                                  channels: channels, spatial: spatial)
            }
        }
    }

    /// `y[i] = f(x[i])` for `i` in `0..<count`; `y` may be `x`.
    static func activate(_ activation: Activation, _ x: UnsafeMutablePointer<Float>,
                         into y: UnsafeMutablePointer<Float>, count: Int) {
        switch activation {
        case .relu:
            VectorKernels.biasReLU(x, bias: 0, into: y, count: count)
        case let .leakyReLU(slope):
            for i in 0..<count { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        case .sigmoid:
            for i in 0..<count { y[i] = 1 / (1 + exp(-x[i])) }
        case .tanh:
            for i in 0..<count { y[i] = Foundation.tanh(x[i]) }
        }
    }

    /// `dx[i] = dy[i]·f′` from the forward output `y[i]`, for `i` in `0..<count`; `dx` may be `dy`.
    static func activationGradient(_ activation: Activation, output y: UnsafeMutablePointer<Float>,
                                   gradOutput dy: UnsafeMutablePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                                   count: Int) {
        switch activation {
        case .relu:
            // dx = dy · [y > 0]
            VectorKernels.reluGradient(output: y, gradOutput: dy, into: dx, count: count)
        case let .leakyReLU(slope):
            // dx = dy · (y > 0 ? 1 : slope)
            for i in 0..<count { dx[i] = y[i] > 0 ? dy[i] : slope * dy[i] }
        case .sigmoid:
            // dx = dy · y·(1 − y)
            for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh:
            // dx = dy · (1 − y²)
            for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        }
    }

    /// `gradient[i] ·= f′` in place, from the forward output.
    @inline(__always)
    static func activationGradient(_ activation: Activation, output: UnsafeMutablePointer<Float>,
                                   gradient: UnsafeMutablePointer<Float>, count: Int) {
        activationGradient(activation, output: output, gradOutput: gradient, into: gradient, count: count)
    }

    public func multiply(_ a: Tensor, _ b: Tensor, into output: Tensor) throws {
        let (x, y, z) = (try cpu(a).data, try cpu(b).data, try cpu(output).data)
        try requireSameCount(a, b, op: "multiply")
        try requireSameCount(a, output, op: "multiply")
        loop.forEach(a.count, itemCost: 3) { range in
            for i in range { z[i] = x[i] * y[i] }
        }
    }

    public func dropoutMask(_ mask: Tensor, rate: Float, seed: UInt64) throws {
        let data = try cpu(mask).data
        let kept = 1 / (1 - rate)
        loop.forEach(mask.count, itemCost: 4) { range in
            for i in range {
                data[i] = DropoutHash.uniform(seed: seed, index: UInt64(i)) >= rate ? kept : 0
            }
        }
    }
}
