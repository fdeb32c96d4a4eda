import CVectorKernels
import Engine

/// Stride-1 convolutions whose unfolded GEMM would be thin: a first layer over 1- or 3-channel images, where
/// C·k·k (the GEMM's inner dimension) is at most `DL_DIRECT_CONV_MAX_TAPS` (160: LeNet-5's conv2, 150, measured
/// 1.3× faster forward than the column path), on CPUs with AVX-512 (the kernels' accumulators need its 32 vector
/// registers; elsewhere the column path runs). There the column path spends more
/// on unfolding and on OpenBLAS's per-call packing than on arithmetic (fashion-mnist's conv1, inner dimension 25:
/// 74 GFLOP/s), so these layers run `dl_direct_conv_forward` and `dl_direct_conv_weight_gradient` instead: every
/// tap a contiguous shifted run of the zero-padded sample, no column matrix. Each worker keeps per-lane partial
/// sums of the weight gradient over a fixed block of samples, so the result does not depend on timing. A layer
/// that needs an input gradient takes the column path backward (`CPUEngine+FusedConvolution.swift`), which shares
/// this workspace: the input gradient as a direct "full" correlation of dZ with the flipped kernels also multiplies
/// over the zero border and measured no faster there (LeNet-5's conv2: 0.40 ms for 32 samples, and the whole
/// backward pass the same as the column path's).
extension CPUEngine {
    /// Whether the direct kernels run their AVX-512 build on this CPU.
    static let directKernelsAreFast = dl_direct_conv_is_fast() != 0

    /// The most scratch floats per worker the direct path may take (16 MiB): its scratch holds a whole padded
    /// sample and 8 output planes, so very large images stay on the column path, which works in 1 MiB blocks.
    static let directConvolutionMaximumScratch = 1 << 22

    /// Whether a layer that neither Winograd nor the phase split takes (they are asked first) runs its forward
    /// pass, and its weight and bias gradients, directly.
    static func usesDirectConvolution(_ g: ConvolutionGeometry, filters: Int) -> Bool {
        guard directKernelsAreFast, g.strideHeight == 1, g.strideWidth == 1,
              g.columnRows <= Int(DL_DIRECT_CONV_MAX_TAPS), !isPointwise(g), g.outputHeight > 0, g.outputWidth > 0
        else { return false }
        return DirectConvolutionScratch(g, filters: filters).perWorker <= directConvolutionMaximumScratch
    }

    /// Float offsets of one worker's scratch on the direct path: the kernels' own scratch, the worker's weight
    /// gradient `[F, Ckk]` and bias gradient `[F]`, and the packed weights (the first worker's are the ones every
    /// worker reads), each 64-byte aligned.
    struct DirectConvolutionScratch {
        let weightGradient: Int
        let biasGradient: Int
        let packedWeights: Int
        let perWorker: Int

        init(_ g: ConvolutionGeometry, filters: Int) {
            weightGradient = alignedFloats(dl_direct_conv_scratch_floats(
                Int32(g.channels), Int32(g.height), Int32(g.width), Int32(filters), Int32(g.kernelHeight),
                Int32(g.kernelWidth), Int32(g.paddingHeight), Int32(g.paddingWidth)))
            biasGradient = weightGradient + alignedFloats(filters * g.columnRows)
            packedWeights = biasGradient + alignedFloats(filters)
            let packedFloats = dl_direct_conv_packed_floats(Int32(filters), Int32(g.columnRows))
            perWorker = packedWeights + alignedFloats(packedFloats)
        }
    }

    func directConvolutionForward(_ x: SendablePointer<Float>, weight w: SendablePointer<Float>,
                                  bias b: SendablePointer<Float>?, activation: Activation?,
                                  geometry g: ConvolutionGeometry, filters: Int, scratch: SendablePointer<Float>,
                                  perWorker: Int, workers: Int, into y: SendablePointer<Float>) {
        let (spatial, sampleSize) = (g.outputHeight * g.outputWidth, g.channels * g.height * g.width)
        let packed = SendablePointer(scratch.base + DirectConvolutionScratch(g, filters: filters).packedWeights)
        dl_direct_conv_pack_weights(w.base, Int32(filters), Int32(g.columnRows), packed.base)
        // Bias and ReLU go into the kernel's store of each output row; another activation follows per sample.
        let fused = activation == nil || activation == .relu
        forEachChunkClaimed(g.batch, workers: workers) { worker, n in
            let out = y.base + n * filters * spatial
            dl_direct_conv_forward(x.base + n * sampleSize, Int32(g.channels), Int32(g.height), Int32(g.width),
                                   packed.base,
                                   b?.base, activation == .relu ? 1 : 0, Int32(filters), Int32(g.kernelHeight),
                                   Int32(g.kernelWidth), Int32(g.paddingHeight), Int32(g.paddingWidth),
                                   scratch.base + worker * perWorker, out)
            if !fused {
                Self.biasActivate(out, bias: nil, activation: activation, channels: filters, spatial: spatial)
            }
        }
    }

    /// dW and db (no input gradient), per worker summed over its samples. dZ = dY · f′(Y): for ReLU formed by the
    /// kernel as it reads dY (no pass over memory to write it back), for another activation in place first.
    func directConvolutionBackward(_ dy: SendablePointer<Float>, input x: SendablePointer<Float>,
                                   output y: SendablePointer<Float>, activation: Activation?,
                                   geometry g: ConvolutionGeometry, filters: Int, scratch: SendablePointer<Float>,
                                   perWorker: Int, workers: Int, gradWeight dw: SendablePointer<Float>,
                                   gradBias db: SendablePointer<Float>?) {
        let layout = DirectConvolutionScratch(g, filters: filters)
        let (spatial, sampleSize) = (g.outputHeight * g.outputWidth, g.channels * g.height * g.width)
        forEachSampleBlock(batch: g.batch, workers: workers) { worker, samples in
            let base = scratch.base + worker * perWorker
            let biasGradient = base + layout.biasGradient
            if db != nil { biasGradient.update(repeating: 0, count: filters) }
            for n in samples {
                let (dz, output) = (dy.base + n * filters * spatial, y.base + n * filters * spatial)
                if let activation, activation != .relu {
                    Self.activationGradient(activation, output: output, gradient: dz, count: filters * spatial)
                }
                dl_direct_conv_weight_gradient(x.base + n * sampleSize, Int32(g.channels), Int32(g.height),
                                               Int32(g.width), dz, activation == .relu ? output : nil,
                                               db == nil ? nil : biasGradient, Int32(filters), Int32(g.kernelHeight),
                                               Int32(g.kernelWidth), Int32(g.paddingHeight), Int32(g.paddingWidth),
                                               n == samples.lowerBound ? 1 : 0, base)
            }
            dl_direct_conv_finish_weight_gradient(Int32(g.channels), Int32(g.height), Int32(g.width), Int32(filters),
                                                  Int32(g.kernelHeight), Int32(g.kernelWidth),
                                                  Int32(g.paddingHeight), Int32(g.paddingWidth), base,
                                                  base + layout.weightGradient)
        }
        sumWorkerGradients(scratch, perWorker: perWorker, workers: workers, weightGradient: layout.weightGradient,
                           biasGradient: layout.biasGradient, weights: filters * g.columnRows, filters: filters,
                           into: dw, db)
    }
}
