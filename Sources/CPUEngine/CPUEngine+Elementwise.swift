import Engine
import Foundation

extension CPUEngine {
    public func activate(_ activation: Activation, _ input: Tensor, into output: Tensor) throws {
        let (x, y) = (try cpu(input).data, try cpu(output).data)
        try requireSameCount(input, output, op: "activate")
        loop.forEach(input.count, itemCost: 2) { range in
            switch activation {
            case .relu:
                for i in range { y[i] = max(x[i], 0) }
            case let .leakyReLU(slope):
                for i in range { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
            case .sigmoid:
                for i in range { y[i] = 1 / (1 + exp(-x[i])) }
            case .tanh:
                for i in range { y[i] = Foundation.tanh(x[i]) }
            }
        }
    }

    public func activationBackward(_ activation: Activation, output: Tensor, gradOutput: Tensor,
                                   into gradInput: Tensor) throws {
        let (y, dy, dx) = (try cpu(output).data, try cpu(gradOutput).data, try cpu(gradInput).data)
        try requireSameCount(output, gradOutput, op: "activationBackward")
        try requireSameCount(output, gradInput, op: "activationBackward")
        loop.forEach(output.count, itemCost: 3) { range in
            switch activation {
            case .relu:
                // dx = dy · [y > 0]
                for i in range { dx[i] = y[i] > 0 ? dy[i] : 0 }
            case let .leakyReLU(slope):
                // dx = dy · (y > 0 ? 1 : slope)
                for i in range { dx[i] = y[i] > 0 ? dy[i] : slope * dy[i] }
            case .sigmoid:
                // dx = dy · y·(1 − y)
                for i in range { dx[i] = dy[i] * y[i] * (1 - y[i]) }
            case .tanh:
                // dx = dy · (1 − y²)
                for i in range { dx[i] = dy[i] * (1 - y[i] * y[i]) }
            }
        }
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
