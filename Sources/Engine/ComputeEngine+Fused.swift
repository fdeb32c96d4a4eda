/// Default implementations of the fused ops, composed from the primitives, so an engine only overrides the fused
/// ops it has a faster path for.
extension ComputeEngine {
    public func addBiasActivate(_ bias: Tensor?, activation: Activation?, to tensor: Tensor, batch: Int,
                                channels: Int, spatial: Int) throws {
        if let bias { try addBias(bias, to: tensor, batch: batch, channels: channels, spatial: spatial) }
        if let activation { try activate(activation, tensor, into: tensor) }
    }

    public func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int,
                              units: Int, gradWeight: Tensor, gradInput: Tensor?) throws {
        try denseBackwardByGEMM(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs, units: units,
                                gradWeight: gradWeight, gradInput: gradInput)
    }

    public func denseBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int,
                              units: Int, gradWeight: Tensor, gradInput: Tensor?, applying step: SGDStep) throws {
        try denseBackwardThenSGDStep(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs,
                                     units: units, gradWeight: gradWeight, gradInput: gradInput, step: step)
    }

    /// `denseBackward(…applying:)` as two ops: `denseBackward`, then `sgdStep` with the stored weight gradient.
    public func denseBackwardThenSGDStep(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int,
                                         inputs: Int, units: Int, gradWeight: Tensor, gradInput: Tensor?,
                                         step: SGDStep) throws {
        try denseBackward(gradOutput, input: input, weight: weight, batch: batch, inputs: inputs, units: units,
                          gradWeight: gradWeight, gradInput: gradInput)
        try sgdStep(parameter: weight, gradient: gradWeight, velocity: step.velocity, learningRate: step.learningRate,
                    momentum: step.momentum, weightDecay: step.weightDecay, nesterov: step.nesterov)
    }

    /// `denseBackward` as two `gemm`s: `dW[units, inputs] = dZᵀ·X`, then `dX[N, inputs] = dZ·W`.
    public func denseBackwardByGEMM(_ gradOutput: Tensor, input: Tensor, weight: Tensor, batch: Int, inputs: Int,
                                    units: Int, gradWeight: Tensor, gradInput: Tensor?) throws {
        try gemm(transposeA: true, transposeB: false, m: units, n: inputs, k: batch, alpha: 1, a: gradOutput,
                 aOffset: 0, lda: units, b: input, bOffset: 0, ldb: inputs, beta: 0, c: gradWeight, cOffset: 0,
                 ldc: inputs)
        guard let gradInput else { return }
        try gemm(transposeA: false, transposeB: false, m: batch, n: inputs, k: units, alpha: 1, a: gradOutput,
                 aOffset: 0, lda: units, b: weight, bOffset: 0, ldb: inputs, beta: 0, c: gradInput, cOffset: 0,
                 ldc: inputs)
    }

    public func convolutionWorkspace(geometry g: ConvolutionGeometry, filters: Int) -> [Shape] {
        [Shape(g.columnRows, g.columnCount), Shape(filters, g.columnCount)]
    }

    public func convolutionForward(_ input: Tensor, weight: Tensor, bias: Tensor?, activation: Activation?,
                                   geometry g: ConvolutionGeometry, filters: Int, workspace: [Tensor],
                                   into output: Tensor) throws {
        let (columns, channelMajor) = try Self.defaultConvolutionWorkspace(workspace)
        let spatial = g.outputHeight * g.outputWidth
        try im2col(input, geometry: g, into: columns)
        // Y[F, N·OH·OW] = W[F, C·k·k] · cols, then to NCHW.
        try gemm(transposeA: false, transposeB: false, m: filters, n: g.columnCount, k: g.columnRows, alpha: 1,
                 a: weight, aOffset: 0, lda: g.columnRows, b: columns, bOffset: 0, ldb: g.columnCount,
                 beta: 0, c: channelMajor, cOffset: 0, ldc: g.columnCount)
        try channelMajorToBatchMajor(channelMajor, into: output, batch: g.batch, channels: filters, spatial: spatial)
        try addBiasActivate(bias, activation: activation, to: output, batch: g.batch, channels: filters,
                            spatial: spatial)
    }

    public func convolutionBackward(_ gradOutput: Tensor, input: Tensor, output: Tensor, weight: Tensor,
                                    activation: Activation?, geometry g: ConvolutionGeometry, filters: Int,
                                    workspace: [Tensor], gradWeight: Tensor, gradBias: Tensor?,
                                    gradInput: Tensor?) throws {
        let (columns, channelMajor) = try Self.defaultConvolutionWorkspace(workspace)
        let spatial = g.outputHeight * g.outputWidth
        // dZ = dY · f′(Y), in place on the incoming gradient.
        if let activation {
            try activationBackward(activation, output: output, gradOutput: gradOutput, into: gradOutput)
        }
        // db[f] = Σ_{n,s} dZ[n,f,s]
        if let gradBias {
            try biasGradient(gradOutput, batch: g.batch, channels: filters, spatial: spatial, into: gradBias)
        }
        try batchMajorToChannelMajor(gradOutput, into: channelMajor, batch: g.batch, channels: filters,
                                     spatial: spatial)
        // dW[F, Ckk] = dZ[F, N·S] · colsᵀ (the columns the forward pass left in the workspace)
        try gemm(transposeA: false, transposeB: true, m: filters, n: g.columnRows, k: g.columnCount, alpha: 1,
                 a: channelMajor, aOffset: 0, lda: g.columnCount, b: columns, bOffset: 0, ldb: g.columnCount,
                 beta: 0, c: gradWeight, cOffset: 0, ldc: g.columnRows)
        guard let gradInput else { return }
        // dcols[Ckk, N·S] = Wᵀ · dZ, then dX = col2im(dcols)
        try gemm(transposeA: true, transposeB: false, m: g.columnRows, n: g.columnCount, k: filters, alpha: 1,
                 a: weight, aOffset: 0, lda: g.columnRows, b: channelMajor, bOffset: 0, ldb: g.columnCount,
                 beta: 0, c: columns, cOffset: 0, ldc: g.columnCount)
        try col2im(columns, geometry: g, into: gradInput)
    }

    /// The column matrix and GEMM output of the default convolution workspace.
    private static func defaultConvolutionWorkspace(_ workspace: [Tensor]) throws -> (Tensor, Tensor) {
        guard workspace.count == 2 else {
            throw EngineError.invalidArgument(
                "convolution: the default workspace is 2 tensors (columns, channel-major output), "
                    + "got \(workspace.count)")
        }
        return (workspace[0], workspace[1])
    }
}
