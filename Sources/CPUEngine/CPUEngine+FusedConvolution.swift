import COpenBLAS
import Engine

/// Whole convolution layers on the host. Stride-1 3×3 and 5×5 layers with enough channels go to Winograd
/// (`CPUEngine+WinogradConvolution.swift`), strided layers that split into such a layer go to Winograd over phase
/// channels (`CPUEngine+PhaseSplitConvolution.swift`), stride-1 layers with few channels × taps run directly
/// (`CPUEngine+DirectConvolution.swift`; their backward pass comes here when it needs an input gradient); every
/// other one runs here: each worker thread takes a contiguous block
/// of samples and, per sample, unfolds blocks of output rows into a column matrix small enough to stay in its L2
/// cache (`columnChunkFloats`), runs single-threaded `cblas_sgemm` per block straight into the NCHW output and
/// applies bias and activation while the output is still in cache. No batched column matrix (25× the input for a 5×5 kernel), no `[F, N·S]` ↔ NCHW permutes; the
/// backward pass re-unfolds each sample instead of keeping the columns, and sums per-worker weight and bias
/// gradients at the end.
extension CPUEngine {
    /// Float offsets of one worker's scratch: columns and column gradient `[Ckk, rows·OW]` (one block of output
    /// rows, `columnChunkRows`), weight gradient `[F, Ckk]`, bias gradient `[F]`, the staged sample (see `stage`)
    /// and the zero-padded sample gradient `[C, H + 2p, W + 2p]`, each 64-byte aligned.
    struct ConvolutionScratch {
        let columns: Int
        let columnGradient: Int
        let weightGradient: Int
        let biasGradient: Int
        let padded: Int
        let paddedGradient: Int
        let paddedSize: Int
        let perWorker: Int

        init(_ g: ConvolutionGeometry, filters: Int) {
            let columnSize = alignedFloats(g.columnRows * CPUEngine.columnChunkRows(g) * g.outputWidth)
            columns = 0
            columnGradient = columnSize
            weightGradient = 2 * columnSize
            biasGradient = weightGradient + alignedFloats(filters * g.columnRows)
            padded = biasGradient + alignedFloats(filters)
            paddedSize = CPUEngine.stagedSampleSize(g)
            paddedGradient = padded + alignedFloats(paddedSize)
            perWorker = paddedGradient + alignedFloats(paddedSize)
        }
    }

    /// Whether the columns of a sample are the sample itself (1×1 kernel, stride 1, no padding).
    static func isPointwise(_ g: ConvolutionGeometry) -> Bool {
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
            && g.paddingHeight == 0 && g.paddingWidth == 0
    }

    /// Floats of one block of unfolded columns: 1 MiB, half the L2 cache of one core of the machines this was
    /// measured on, so the GEMM reads the columns the unfold just wrote from cache.
    static let columnChunkFloats = 1 << 18

    /// Output rows unfolded at a time: as many as keep the block within `columnChunkFloats`, at least one; a
    /// pointwise kernel reads the sample itself and takes all rows at once.
    static func columnChunkRows(_ g: ConvolutionGeometry) -> Int {
        if isPointwise(g) { return max(1, g.outputHeight) }
        return max(1, min(g.outputHeight, columnChunkFloats / max(1, g.columnRows * g.outputWidth)))
    }

    /// The blocks of output rows `columnChunkRows` makes, in order.
    static func columnChunks(_ g: ConvolutionGeometry) -> LazyMapSequence<StrideTo<Int>, Range<Int>> {
        let (rows, height) = (columnChunkRows(g), g.outputHeight)
        return Swift.stride(from: 0, to: height, by: rows).lazy.map { $0..<min($0 + rows, height) }
    }

    /// Worker threads for a batch: one per thread, never more than samples.
    func convolutionWorkers(batch: Int) -> Int { max(1, min(threads, batch)) }

    public func convolutionWorkspace(geometry g: ConvolutionGeometry, filters: Int) -> [Shape] {
        if let plan = winogradPlan(g, filters: filters) { return winogradWorkspace(plan, batch: g.batch) }
        if let plan = phaseSplitPlan(g, filters: filters) { return phaseSplitWorkspace(plan) }
        return [Shape(convolutionWorkers(batch: g.batch), Self.convolutionScratchFloats(g, filters: filters))]
    }

    /// Floats of one worker's scratch for a layer that neither Winograd nor the phase split takes: the column
    /// path's, or the direct path's when that is larger (the direct path still runs the column path for an input
    /// gradient).
    static func convolutionScratchFloats(_ g: ConvolutionGeometry, filters: Int) -> Int {
        let columns = ConvolutionScratch(g, filters: filters).perWorker
        guard usesDirectConvolution(g, filters: filters) else { return columns }
        return max(columns, DirectConvolutionScratch(g, filters: filters).perWorker)
    }

    public func convolutionForward(_ input: Tensor, weight: Tensor, bias: Tensor?, activation: Activation?,
                                   geometry g: ConvolutionGeometry, filters: Int, workspace: [Tensor],
                                   into output: Tensor) throws {
        let (x, w, y) = (try cpu(input).data, try cpu(weight).data, try cpu(output).data)
        let b = try bias.map { try cpu($0).data }
        let (spatial, rows) = (g.outputHeight * g.outputWidth, g.columnRows)
        let sampleSize = g.channels * g.height * g.width
        try requireCount(g.batch * sampleSize, input, op: "convolutionForward")
        try requireCount(filters * rows, weight, op: "convolutionForward")
        try requireCount(g.batch * filters * spatial, output, op: "convolutionForward")
        if let bias { try requireCount(filters, bias, op: "convolutionForward") }
        if let plan = winogradPlan(g, filters: filters) {
            return try winogradForward(x, source: g, weight: w, bias: b, activation: activation, geometry: g,
                                       plan: plan, workspace: workspace, into: y)
        }
        if let plan = phaseSplitPlan(g, filters: filters) {
            return try phaseSplitForward(x, weight: w, bias: b, activation: activation, geometry: g, plan: plan,
                                         workspace: workspace, into: y)
        }
        let (scratch, workers, perWorker) = try convolutionScratch(workspace, g, filters: filters)
        if Self.usesDirectConvolution(g, filters: filters) {
            return directConvolutionForward(x, weight: w, bias: b, activation: activation, geometry: g,
                                            filters: filters, scratch: scratch, perWorker: perWorker, workers: workers,
                                            into: y)
        }
        let layout = ConvolutionScratch(g, filters: filters)
        let pointwise = Self.isPointwise(g)
        // Staging writes only the interior of the padded sample: its border is zeroed once per call.
        for worker in 0..<workers {
            (scratch.base + worker * perWorker + layout.padded).update(repeating: 0, count: layout.paddedSize)
        }
        forEachChunkClaimed(g.batch, workers: workers) { worker, n in
            let base = scratch.base + worker * perWorker
            let (columns, padded) = (base + layout.columns, base + layout.padded)
            let sample = x.base + n * sampleSize
            let source = pointwise ? sample : Self.stage(sample, g, padded: padded)
            let out = y.base + n * filters * spatial
            for chunk in Self.columnChunks(g) {
                let (width, offset) = (chunk.count * g.outputWidth, chunk.lowerBound * g.outputWidth)
                if !pointwise { Self.unfold(source, g, outputRows: chunk, into: columns) }
                // Y_n[F, chunk] = W[F, Ckk] · cols_n[Ckk, chunk]
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(filters), Int32(width), Int32(rows),
                            1, w.base, Int32(rows), pointwise ? sample + offset : columns,
                            Int32(pointwise ? spatial : width), 0, out + offset, Int32(spatial))
            }
            Self.biasActivate(out, bias: b?.base, activation: activation, channels: filters, spatial: spatial)
        }
    }

    public func convolutionBackward(_ gradOutput: Tensor, input: Tensor, output: Tensor, weight: Tensor,
                                    activation: Activation?, geometry g: ConvolutionGeometry, filters: Int,
                                    workspace: [Tensor], gradWeight: Tensor, gradBias: Tensor?,
                                    gradInput: Tensor?) throws {
        let (dy, x, y, w) = (try cpu(gradOutput).data, try cpu(input).data, try cpu(output).data,
                             try cpu(weight).data)
        let (dw, db, dx) = (try cpu(gradWeight).data, try gradBias.map { try cpu($0).data },
                            try gradInput.map { try cpu($0).data })
        let (spatial, rows) = (g.outputHeight * g.outputWidth, g.columnRows)
        let sampleSize = g.channels * g.height * g.width
        try requireCount(g.batch * sampleSize, input, op: "convolutionBackward")
        try requireCount(filters * rows, weight, gradWeight, op: "convolutionBackward")
        try requireCount(g.batch * filters * spatial, output, gradOutput, op: "convolutionBackward")
        if let gradBias { try requireCount(filters, gradBias, op: "convolutionBackward") }
        if let gradInput { try requireCount(g.batch * sampleSize, gradInput, op: "convolutionBackward") }
        if let plan = winogradPlan(g, filters: filters) {
            return try winogradBackward(dy, input: x, source: g, output: y, weight: w, activation: activation,
                                        geometry: g, plan: plan, workspace: workspace, gradWeight: dw, gradBias: db,
                                        gradInput: dx)
        }
        if let plan = phaseSplitPlan(g, filters: filters) {
            return try phaseSplitBackward(dy, input: x, output: y, activation: activation, geometry: g, plan: plan,
                                          workspace: workspace, gradWeight: dw, gradBias: db, gradInput: dx)
        }
        let (scratch, workers, perWorker) = try convolutionScratch(workspace, g, filters: filters)
        if Self.usesDirectConvolution(g, filters: filters), dx == nil {
            return directConvolutionBackward(dy, input: x, output: y, activation: activation, geometry: g,
                                             filters: filters, scratch: scratch, perWorker: perWorker,
                                             workers: workers, gradWeight: dw, gradBias: db)
        }
        let layout = ConvolutionScratch(g, filters: filters)
        let pointwise = Self.isPointwise(g)
        forEachSampleBlock(batch: g.batch, workers: workers) { worker, samples in
            let base = scratch.base + worker * perWorker
            let (columns, columnGradient) = (base + layout.columns, base + layout.columnGradient)
            let (weightGradient, biasGradient) = (base + layout.weightGradient, base + layout.biasGradient)
            let (padded, paddedGradient) = (base + layout.padded, base + layout.paddedGradient)
            padded.update(repeating: 0, count: layout.paddedSize)
            if db != nil { biasGradient.update(repeating: 0, count: filters) }
            for n in samples {
                let sample = x.base + n * sampleSize
                let dz = dy.base + n * filters * spatial
                // dZ = dY · f′(Y), in place.
                if let activation {
                    Self.activationGradient(activation, output: y.base + n * filters * spatial, gradient: dz,
                                            count: filters * spatial)
                }
                // db[f] += Σ_s dZ_n[f, s]
                if db != nil {
                    for f in 0..<filters { biasGradient[f] += VectorKernels.sum(dz + f * spatial, count: spatial) }
                }
                let source = pointwise ? sample : Self.stage(sample, g, padded: padded)
                let target = dx.map { $0.base + n * sampleSize }
                let folded = target.map { pointwise ? $0 : Self.foldTarget(g, padded: paddedGradient, sample: $0) }
                for chunk in Self.columnChunks(g) {
                    let (width, offset) = (chunk.count * g.outputWidth, chunk.lowerBound * g.outputWidth)
                    if !pointwise { Self.unfold(source, g, outputRows: chunk, into: columns) }
                    // dW[F, Ckk] (+)= dZ_n[F, chunk] · cols_n[Ckk, chunk]ᵀ
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(filters), Int32(rows), Int32(width),
                                1, dz + offset, Int32(spatial), pointwise ? sample + offset : columns,
                                Int32(pointwise ? spatial : width), n == samples.lowerBound && offset == 0 ? 0 : 1,
                                weightGradient, Int32(rows))
                    guard let folded else { continue }
                    // dcols_n[Ckk, chunk] = Wᵀ · dZ_n[F, chunk], added into dX_n (straight into it when pointwise).
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(rows), Int32(width), Int32(filters),
                                1, w.base, Int32(rows), dz + offset, Int32(spatial), 0,
                                pointwise ? folded + offset : columnGradient, Int32(pointwise ? spatial : width))
                    if !pointwise { Self.fold(columnGradient, g, outputRows: chunk, into: folded) }
                }
                if let target, !pointwise { Self.unstage(paddedGradient, g, into: target) }
            }
        }
        sumWorkerGradients(scratch, perWorker: perWorker, workers: workers, weightGradient: layout.weightGradient,
                           biasGradient: layout.biasGradient, weights: filters * rows, filters: filters, into: dw, db)
    }

    /// dW (and db) = the sum of the workers' partial gradients at offsets `weightGradient` (`biasGradient`) of
    /// each worker's scratch, in worker order.
    func sumWorkerGradients(_ scratch: SendablePointer<Float>, perWorker: Int, workers: Int, weightGradient: Int,
                            biasGradient: Int, weights: Int, filters: Int, into dw: SendablePointer<Float>,
                            _ db: SendablePointer<Float>?) {
        loop.forEach(weights, itemCost: workers) { range in
            for i in range {
                var total = scratch[weightGradient + i]
                for worker in 1..<max(workers, 1) { total += scratch[worker * perWorker + weightGradient + i] }
                dw[i] = total
            }
        }
        if let db {
            for f in 0..<filters {
                var total = scratch[biasGradient + f]
                for worker in 1..<max(workers, 1) { total += scratch[worker * perWorker + biasGradient + f] }
                db[f] = total
            }
        }
    }

    /// The scratch tensor `convolutionWorkspace` planned, its worker count and floats per worker.
    private func convolutionScratch(_ workspace: [Tensor], _ g: ConvolutionGeometry, filters: Int) throws
        -> (SendablePointer<Float>, Int, Int) {
        let perWorker = Self.convolutionScratchFloats(g, filters: filters)
        guard workspace.count == 1, workspace[0].shape.rank == 2, workspace[0].shape[1] == perWorker,
              workspace[0].shape[0] >= 1
        else {
            throw EngineError.invalidArgument(
                "convolution: the workspace must be the one tensor convolutionWorkspace planned "
                    + "([workers, \(perWorker)])")
        }
        return (try cpu(workspace[0]).data, min(workspace[0].shape[0], convolutionWorkers(batch: g.batch)), perWorker)
    }

    /// Runs `body(worker, samples)` for `workers` contiguous blocks of `0..<batch` on as many threads, with
    /// OpenBLAS single-threaded meanwhile (each worker's GEMMs run on its own thread); one worker runs on the
    /// calling thread (with OpenBLAS's threads when `useOpenBLASThreads`).
    func forEachSampleBlock(batch: Int, workers: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        guard workers > 1 else {
            body(0, 0..<batch)
            return
        }
        if useOpenBLASThreads { openblas_set_num_threads(1) }
        loop.pool.run(workers) { worker in
            body(worker, batch * worker / workers..<batch * (worker + 1) / workers)
        }
        if useOpenBLASThreads { openblas_set_num_threads(Int32(threads)) }
    }

    /// Runs `body(range)` for `blocks` contiguous blocks of `0..<count` (at most `count`), which the engine's threads
    /// claim as they go: with more blocks than threads, a thread slowed down (by another process on its processor)
    /// runs fewer of them. For blocks that need no scratch of their own.
    func forEachBlock(_ count: Int, blocks: Int, _ body: @Sendable (Range<Int>) -> Void) {
        forEachSampleBlock(batch: count, workers: min(blocks, count)) { _, range in body(range) }
    }

    /// Runs `body(worker, chunk)` for every chunk of `0..<chunks` on up to `workers` workers as `forEachSampleBlock`
    /// does, each worker claiming the next unclaimed chunk whenever it finishes one, so a worker slowed down (by
    /// another process on its processor) runs fewer chunks. For chunks whose results do not depend on which worker,
    /// with which scratch, runs them.
    func forEachChunkClaimed(_ chunks: Int, workers: Int, _ body: @Sendable (Int, Int) -> Void) {
        let claims = ChunkClaims()
        forEachSampleBlock(batch: workers, workers: min(workers, chunks)) { worker, _ in
            while case let chunk = claims.next(), chunk < chunks {
                body(worker, chunk)
            }
        }
    }

    /// Floats of the staged sample `unfold` reads: the zero-padded sample `[C, H + 2p, W + 2p]`, its rows split
    /// into column phases for a strided kernel, or nothing when it can read the sample itself.
    static func stagedSampleSize(_ g: ConvolutionGeometry) -> Int {
        guard g.strideWidth > 1 || g.paddingHeight != 0 || g.paddingWidth != 0 else { return 0 }
        return g.channels * (g.height + 2 * g.paddingHeight) * stagedRowWidths(g).row
    }

    /// Stages one sample `[C, H, W]` for `unfold` in `padded` (`stagedSampleSize` floats, zero outside the pixels
    /// this writes) and returns what `unfold` reads: the sample itself when it needs no staging.
    ///
    /// With padding, the sample is copied into the interior of `[C, H + 2p, W + 2p]`. With a horizontal stride `s`,
    /// each padded row is stored as `s` phases instead (phase `r` holds columns `r, r + s, …`), so that the columns
    /// `s·ox + kx` a column line reads are phase `kx % s` from `kx / s` on: one contiguous copy.
    static func stage(_ sample: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                      padded: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        guard stagedSampleSize(g) > 0 else { return sample }
        let (paddedHeight, stride) = (g.height &+ 2 &* g.paddingHeight, g.strideWidth)
        let (phaseWidth, rowWidth) = stagedRowWidths(g)
        for plane in 0..<g.channels {
            for y in 0..<g.height {
                let line = sample + (plane &* g.height &+ y) &* g.width
                let row = padded + (plane &* paddedHeight &+ y &+ g.paddingHeight) &* rowWidth
                if stride == 1 {
                    VectorKernels.copy(line, to: row + g.paddingWidth, count: g.width)
                    continue
                }
                for phase in 0..<stride {
                    // Staged column j of this phase is padded column phase + stride·j, input column that − p.
                    let shift = phase &- g.paddingWidth
                    let target = row + phase &* phaseWidth
                    for j in phaseColumns(phase, g, limit: phaseWidth) { target[j] = line[shift &+ stride &* j] }
                }
            }
        }
        return padded
    }

    /// The columns `j < limit` of horizontal phase `phase` (padded columns `phase + s·j`, `s` the stride) that hold
    /// input pixels: `0 ≤ s·j + phase − p < W`.
    static func phaseColumns(_ phase: Int, _ g: ConvolutionGeometry, limit: Int) -> Range<Int> {
        let (s, shift) = (g.strideWidth, phase - g.paddingWidth)
        let first = shift >= 0 ? 0 : (-shift + s - 1) / s
        let last = g.width - 1 - shift  // s·j ≤ last
        return first..<max(first, last < 0 ? 0 : min(limit, last / s + 1))
    }

    /// Floats of one phase and of one whole row (all phases) of a staged sample; one phase of the padded width
    /// when the stride is 1.
    static func stagedRowWidths(_ g: ConvolutionGeometry) -> (phase: Int, row: Int) {
        let phase = (g.width + 2 * g.paddingWidth + g.strideWidth - 1) / g.strideWidth
        return (phase, phase * g.strideWidth)
    }

    /// im2col of output rows `outputRows` of a sample `stage` returned, into `columns[C·k·k, rows·OW]`: one
    /// contiguous copy per column line.
    static func unfold(_ source: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry, outputRows: Range<Int>,
                       into columns: UnsafeMutablePointer<Float>) {
        let outputWidth = g.outputWidth
        let paddedHeight = g.height &+ 2 &* g.paddingHeight
        let stride = g.strideWidth
        let (phaseWidth, rowWidth) = stagedRowWidths(g)
        let (width, lineStride) = (outputRows.count &* outputWidth, g.strideHeight &* rowWidth)
        var out = columns
        for channel in 0..<g.channels {
            for ky in 0..<g.kernelHeight {
                for kx in 0..<g.kernelWidth {
                    var line = source + ((channel &* paddedHeight &+ ky &+ outputRows.lowerBound &* g.strideHeight)
                        &* rowWidth &+ (kx % stride) &* phaseWidth &+ kx / stride)
                    for oy in 0..<outputRows.count {
                        VectorKernels.copyOverlapping(line, to: out + oy &* outputWidth, count: outputWidth)
                        line += lineStride
                    }
                    out += width
                }
            }
        }
    }

    /// Row `(c, ky, kx)` of one sample's column matrix: `OH·OW` floats, zero where the kernel reads padding.
    @inline(__always)
    static func unfoldRow(_ row: Int, of sample: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                          into out: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        let kernelArea = g.kernelHeight * g.kernelWidth
        let (channel, ky, kx) = (row / kernelArea, row % kernelArea / g.kernelWidth, row % g.kernelWidth)
        let (xFirst, xEnd) = validOutputs(kernel: kx, stride: g.strideWidth, padding: g.paddingWidth,
                                          extent: g.width, outputs: outputWidth)
        let plane = sample + channel * g.height * g.width
        let xShift = kx - g.paddingWidth
        for oy in 0..<outputHeight {
            let line = out + oy &* outputWidth
            let y = oy &* g.strideHeight &- g.paddingHeight &+ ky
            guard y >= 0, y < g.height, xFirst < xEnd else {
                VectorKernels.zero(line, count: outputWidth)
                continue
            }
            for ox in 0..<xFirst { line[ox] = 0 }
            let source = plane + (y &* g.width &+ xShift)
            if g.strideWidth == 1 {
                VectorKernels.copy(source + xFirst, to: line + xFirst, count: xEnd &- xFirst)
            } else {
                for ox in xFirst..<xEnd { line[ox] = source[ox &* g.strideWidth] }
            }
            for ox in xEnd..<outputWidth { line[ox] = 0 }
        }
    }

    /// Zeroes where `fold` sums one sample's gradient and returns it: `padded` (`[C, H + 2p, W + 2p]`) with padding,
    /// the sample `[C, H, W]` itself without.
    static func foldTarget(_ g: ConvolutionGeometry, padded: UnsafeMutablePointer<Float>,
                           sample: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let hasPadding = g.paddingHeight != 0 || g.paddingWidth != 0
        let target = hasPadding ? padded : sample
        target.update(repeating: 0, count: g.channels * (g.height + 2 * g.paddingHeight)
            * (g.width + 2 * g.paddingWidth))
        return target
    }

    /// col2im of output rows `outputRows`: adds `columns[C·k·k, rows·OW]` into the `foldTarget` of a sample.
    static func fold(_ columns: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry, outputRows: Range<Int>,
                     into target: UnsafeMutablePointer<Float>) {
        let outputWidth = g.outputWidth
        let (paddedHeight, paddedWidth) = (g.height &+ 2 &* g.paddingHeight, g.width &+ 2 &* g.paddingWidth)
        let (width, lineStride) = (outputRows.count &* outputWidth, g.strideHeight &* paddedWidth)
        var row = columns
        for channel in 0..<g.channels {
            for ky in 0..<g.kernelHeight {
                for kx in 0..<g.kernelWidth {
                    var line = target + ((channel &* paddedHeight &+ ky &+ outputRows.lowerBound &* g.strideHeight)
                        &* paddedWidth &+ kx)
                    for oy in 0..<outputRows.count {
                        let source = row + oy &* outputWidth
                        if g.strideWidth == 1 {
                            VectorKernels.accumulate(source, into: line, count: outputWidth)
                        } else {
                            for ox in 0..<outputWidth { line[ox &* g.strideWidth] += source[ox] }
                        }
                        line += lineStride
                    }
                    row += width
                }
            }
        }
    }

    /// Copies the interior of a padded `foldTarget` out to the sample `[C, H, W]` (nothing to do without padding).
    static func unstage(_ padded: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry,
                        into sample: UnsafeMutablePointer<Float>) {
        guard g.paddingHeight != 0 || g.paddingWidth != 0 else { return }
        let (paddedHeight, paddedWidth) = (g.height + 2 * g.paddingHeight, g.width + 2 * g.paddingWidth)
        for plane in 0..<g.channels {
            for y in 0..<g.height {
                VectorKernels.copy(padded + ((plane &* paddedHeight &+ y &+ g.paddingHeight) &* paddedWidth
                                       &+ g.paddingWidth),
                                   to: sample + (plane &* g.height &+ y) &* g.width, count: g.width)
            }
        }
    }

    /// Adds the column rows of `channel` (row stride `ld`, one sample's `OH·OW` columns each) into its `plane`.
    @inline(__always)
    static func foldChannel(_ channel: Int, columns: UnsafeMutablePointer<Float>, ld: Int, _ g: ConvolutionGeometry,
                            into plane: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = (g.outputHeight, g.outputWidth)
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let row = columns + ((channel * g.kernelHeight + ky) * g.kernelWidth + kx) * ld
                let (xFirst, xEnd) = validOutputs(kernel: kx, stride: g.strideWidth, padding: g.paddingWidth,
                                                  extent: g.width, outputs: outputWidth)
                guard xFirst < xEnd else { continue }
                for oy in 0..<outputHeight {
                    let y = oy * g.strideHeight - g.paddingHeight + ky
                    guard y >= 0, y < g.height else { continue }
                    let column = row + oy * outputWidth
                    let line = plane + y * g.width + kx - g.paddingWidth
                    if g.strideWidth == 1 {
                        VectorKernels.accumulate(column + xFirst, into: line + xFirst, count: xEnd &- xFirst)
                    } else {
                        for ox in xFirst..<xEnd { line[ox * g.strideWidth] += column[ox] }
                    }
                }
            }
        }
    }

    /// `planes[c, s] = f(planes[c, s] + bias[c])` over `[channels, spatial]` (no bias: `f` alone).
    @inline(__always)
    static func biasActivate(_ planes: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?,
                             activation: Activation?, channels: Int, spatial: Int) {
        if let bias {
            for c in 0..<channels {
                let plane = planes + c * spatial
                if activation == .relu {
                    VectorKernels.biasReLU(plane, bias: bias[c], into: plane, count: spatial)
                } else {
                    VectorKernels.addScalar(plane, bias[c], into: plane, count: spatial)
                }
            }
            if activation == .relu { return }
        }
        if let activation { activate(activation, planes, into: planes, count: channels * spatial) }
    }
}
