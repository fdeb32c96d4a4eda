import CVectorKernels
import Engine

extension CPUEngine {
    /// At batches of at most 64 a dense layer's two backward products, as two `gemm`s, are two passes over memory:
    /// OpenBLAS packs all of W for `dZ·W` and writes `dW` in another pass (AlexNet's dense1 at batch 16: 21 + 15
    /// ms). `dl_skinny_dense_backward` reads each weight once and writes each weight gradient once, on the
    /// engine's threads by blocks of input columns (fashion-mnist's dense1 at batch 64: 1.3-1.5x faster than
    /// OpenBLAS's two products, measured). Larger batches, and OpenBLAS's own threads, take the two `gemm`s.
    public func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int,
                              units: Int, gradWeight: Tensor, gradInput: Tensor?) throws {
        guard takesOneSweep(batch: batch, inputs: inputs, units: units) else {
            return try denseBackwardByGEMM(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs,
                                           units: units, gradWeight: gradWeight, gradInput: gradInput)
        }
        try denseBackwardInOneSweep(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs,
                                    units: units, gradWeight: gradWeight, gradInput: gradInput, step: nil)
    }

    /// Where `denseBackward` takes one sweep, the SGD step goes into it: each weight is updated as soon as its
    /// gradient is in registers, so the weight gradient is never stored and read back, and the step's separate pass
    /// over the weights, their gradients and velocities is saved (fashion-mnist's dense1: 51 MB of memory traffic
    /// a step instead of 90). Bit for bit the same weights as `denseBackward` then `sgdStep`.
    public func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int,
                              units: Int, gradWeight: Tensor, gradInput: Tensor?, applying step: SGDStep) throws {
        guard takesOneSweep(batch: batch, inputs: inputs, units: units) else {
            return try denseBackwardThenSGDStep(gradOutput, input: input, weight: weight, batch: batch,
                                                inputs: inputs, units: units, gradWeight: gradWeight,
                                                gradInput: gradInput, step: step)
        }
        try denseBackwardInOneSweep(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs,
                                    units: units, gradWeight: gradWeight, gradInput: gradInput, step: step)
    }

    private func takesOneSweep(batch: Int, inputs: Int, units: Int) -> Bool {
        batch <= 64 && batch > 0 && inputs >= 256 && units >= 16 && !useOpenBLASThreads
    }

    /// `dl_skinny_dense_backward` over the engine's threads; with `step`, the weights and velocities are updated in
    /// place and `gradWeight` is left as it was.
    private func denseBackwardInOneSweep(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int,
                                         inputs: Int, units: Int, gradWeight: Tensor, gradInput: Tensor?,
                                         step: SGDStep?) throws {
        try requireCount(batch * units, gradOutput, op: "denseBackward")
        try requireCount(batch * inputs, input, op: "denseBackward")
        try requireCount(units * inputs, weight, gradWeight, op: "denseBackward")
        if let gradInput { try requireCount(batch * inputs, gradInput, op: "denseBackward") }
        if let step { try requireCount(units * inputs, step.velocity, op: "denseBackward") }
        let (dz, x, w, dw) = (try cpu(gradOutput).data, try cpu(input).data, try cpu(weight).data,
                              try cpu(gradWeight).data)
        let dx = try gradInput.map { try cpu($0).data }
        let velocity = try step.map { try cpu($0.velocity).data }
        let (learningRate, momentum, weightDecay) = (step?.learningRate ?? 0, step?.momentum ?? 0,
                                                     step?.weightDecay ?? 0)
        let nesterov: Int32 = step?.nesterov == true ? 1 : 0
        gemmScratch.withFloats(units * Int(dl_lanes(Int32(batch)))) { lanes in
            dl_transpose_to_lanes(Int32(batch), Int32(units), dz.base, units, lanes)
            let transposed = SendablePointer(lanes)
            // Blocks of whole 16-column vectors, each at least one of the kernel's column blocks.
            let vectors = (inputs + 15) / 16
            let kernelBlock = Int(dl_dense_backward_block_columns(Int32(batch))) / 16
            forEachBlock(vectors, blocks: min(loop.balancedBlocks, vectors / kernelBlock)) { range in
                let (first, end) = (Int32(range.lowerBound * 16), Int32(min(inputs, range.upperBound * 16)))
                guard let velocity else {
                    return dl_skinny_dense_backward(Int32(batch), Int32(units), transposed.base, x.base, inputs,
                                                    w.base, inputs, dw.base, inputs, nil, dx?.base, inputs, first,
                                                    end)
                }
                var update = dl_sgd_step(velocity: velocity.base, learningRate: learningRate, momentum: momentum,
                                         weightDecay: weightDecay, nesterov: nesterov)
                dl_skinny_dense_backward(Int32(batch), Int32(units), transposed.base, x.base, inputs, w.base, inputs,
                                         nil, inputs, &update, dx?.base, inputs, first, end)
            }
        }
    }
}
