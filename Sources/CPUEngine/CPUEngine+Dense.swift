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
        guard batch <= 64, batch > 0, inputs >= 256, units >= 16, !useOpenBLASThreads else {
            return try denseBackwardByGEMM(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs,
                                           units: units, gradWeight: gradWeight, gradInput: gradInput)
        }
        try requireCount(batch * units, gradOutput, op: "denseBackward")
        try requireCount(batch * inputs, input, op: "denseBackward")
        try requireCount(units * inputs, weight, gradWeight, op: "denseBackward")
        if let gradInput { try requireCount(batch * inputs, gradInput, op: "denseBackward") }
        let (dz, x, w, dw) = (try cpu(gradOutput).data, try cpu(input).data, try cpu(weight).data,
                              try cpu(gradWeight).data)
        let dx = try gradInput.map { try cpu($0).data }
        gemmScratch.withFloats(units * Int(dl_lanes(Int32(batch)))) { lanes in
            dl_transpose_to_lanes(Int32(batch), Int32(units), dz.base, units, lanes)
            let transposed = SendablePointer(lanes)
            // Blocks of whole 16-column vectors, each at least one of the kernel's column blocks.
            let vectors = (inputs + 15) / 16
            let kernelBlock = Int(dl_dense_backward_block_columns(Int32(batch))) / 16
            forEachBlock(vectors, blocks: min(loop.balancedBlocks, vectors / kernelBlock)) { range in
                dl_skinny_dense_backward(Int32(batch), Int32(units), transposed.base, x.base, inputs, w.base,
                                         inputs, dw.base, inputs, dx?.base, inputs, Int32(range.lowerBound * 16),
                                         Int32(min(inputs, range.upperBound * 16)))
            }
        }
    }
}
