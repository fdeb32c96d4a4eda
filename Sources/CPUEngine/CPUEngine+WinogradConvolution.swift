import COpenBLAS
import CVectorKernels
import Engine

/// Stride-1 3×3 and 5×5 convolutions by Winograd minimal filtering (F(4×4, 3×3) and F(4×4, 5×5)): per worker and
/// chunk of samples, the input tiles are gathered and transformed, the α² transformed positions are α²
/// single-threaded products `[F, C] · [C, tiles]` (`dl_panel_gemm`, the transformed kernels packed for it once per
/// pass), and the products are transformed back into output tiles and stored into the NCHW output. The backward
/// pass runs the transposed transforms: α² BLAS GEMMs for the kernel gradient and, when asked, α² `dl_panel_gemm`
/// products for the input gradient (the kernels transformed again, packed the transposed way). Multiplications per
/// output and channel pair fall from 9 to 2.25 (3×3) and from 25 to 4 (5×5).
///
/// Within `winogradCacheBytes`, the backward pass uses the transformed inputs that the forward pass left in the
/// workspace, so it must follow the forward pass with the same input and workspace. A NaN or infinity in an
/// input tile makes the whole output tile NaN (direct convolution would confine it to the outputs that read it);
/// the trainer stops on non-finite values either way.
extension CPUEngine {
    /// The Winograd plan for a convolution, or nil when this engine does not use Winograd for it.
    func winogradPlan(_ g: ConvolutionGeometry, filters: Int) -> WinogradPlan? {
        guard winogradEnabled else { return nil }
        return WinogradPlan(g, filters: filters, workers: convolutionWorkers(batch: g.batch),
                            cacheFloats: winogradCacheBytes / MemoryLayout<Float>.size)
    }

    func winogradWorkspace(_ plan: WinogradPlan, batch: Int) -> [Shape] {
        [Shape(convolutionWorkers(batch: batch), plan.perWorker), Shape(plan.sharedCount)]
    }

    func winogradForward(_ x: SendablePointer<Float>, source: ConvolutionGeometry, weight w: SendablePointer<Float>,
                         bias b: SendablePointer<Float>?, activation: Activation?, geometry g: ConvolutionGeometry,
                         plan: WinogradPlan, workspace: [Tensor], into y: SendablePointer<Float>) throws {
        let (scratch, shared, workers) = try winogradScratch(workspace, plan, batch: g.batch)
        transformKernels(w, panels: .filters, plan: plan, shared: shared, scratch: scratch, workers: workers)
        let (filters, channels, area) = (plan.filters, plan.channels, plan.transform.alpha * plan.transform.alpha)
        // Each chunk's outputs depend on that chunk alone, so workers claim chunks as they go: a worker slowed by
        // another process takes fewer of them.
        forEachChunkClaimed(plan.chunkCount(batch: g.batch), workers: workers) { worker, chunk in
            let base = scratch.base + worker * plan.perWorker
            let products = base + plan.products
            let samples = plan.samples(ofChunk: chunk, batch: g.batch)
            let (first, count) = (samples.lowerBound, samples.count)
            let tiles = count * plan.tilesPerSample
            let transformed = Self.transformedInputs(plan, scratch.base, worker: worker, chunk: chunk)
            Self.transformInputs(x.base, first: first, count: count, source: source, g, plan, base,
                                 into: transformed)
            for p in 0..<area {
                // M_p[F, T] = U_p[F, C] · V_p[C, T]
                dl_panel_gemm(Int32(filters), Int32(channels), Int32(tiles),
                              shared.base + plan.kernels + p * plan.panelFilters * channels,
                              transformed + p * channels * tiles, tiles, products + p * filters * tiles, tiles)
            }
            Self.transformOutputs(products, count: count, first: first, g, plan, base, bias: b?.base,
                                  activation: activation, into: y.base)
        }
    }

    func winogradBackward(_ dy: SendablePointer<Float>, input x: SendablePointer<Float>, source: ConvolutionGeometry,
                          output y: SendablePointer<Float>, weight w: SendablePointer<Float>,
                          activation: Activation?, geometry g: ConvolutionGeometry, plan: WinogradPlan,
                          workspace: [Tensor], gradWeight dw: SendablePointer<Float>,
                          gradBias db: SendablePointer<Float>?, gradInput dx: SendablePointer<Float>?) throws {
        // The transformed inputs, when cached, are the ones the forward pass left in the workspace.
        let (scratch, shared, workers) = try winogradScratch(workspace, plan, batch: g.batch)
        if dx != nil {
            transformKernels(w, panels: .channels, plan: plan, shared: shared, scratch: scratch, workers: workers)
        }
        let (filters, channels, area) = (plan.filters, plan.channels, plan.transform.alpha * plan.transform.alpha)
        let spatial = g.outputHeight * g.outputWidth
        let sampleSize = channels * g.height * g.width
        // Each worker sums its kernel gradient over a fixed run of chunks, so the result does not depend on timing.
        let chunks = plan.chunkCount(batch: g.batch)
        let active = min(workers, chunks)
        forEachSampleBlock(batch: chunks, workers: active) { worker, chunkRange in
            let base = scratch.base + worker * plan.perWorker
            let (inputGradients, products) = (base + plan.transformed, base + plan.products)
            let (kernelGradient, biasGradient) = (base + plan.kernelGradient, base + plan.biasGradient)
            if db != nil { biasGradient.update(repeating: 0, count: filters) }
            for chunk in chunkRange {
                let samples = plan.samples(ofChunk: chunk, batch: g.batch)
                let (first, count) = (samples.lowerBound, samples.count)
                let tiles = count * plan.tilesPerSample
                for n in samples {
                    let dz = dy.base + n * filters * spatial
                    // dZ = dY · f′(Y), in place; db[f] += Σ_s dZ_n[f, s]
                    if let activation {
                        Self.activationGradient(activation, output: y.base + n * filters * spatial, gradient: dz,
                                                count: filters * spatial)
                    }
                    if db != nil {
                        for f in 0..<filters {
                            biasGradient[f] += VectorKernels.sum(dz + f * spatial, count: spatial)
                        }
                    }
                }
                let transformed = Self.transformedInputs(plan, scratch.base, worker: worker, chunk: chunk)
                if !plan.cachesInputs {
                    Self.transformInputs(x.base, first: first, count: count, source: source, g, plan, base,
                                         into: transformed)
                }
                Self.transformOutputGradients(dy.base, count: count, first: first, g, plan, base)
                for p in 0..<area {
                    // dU_p[F, C] (+)= dM_p[F, T] · V_p[C, T]ᵀ
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(filters), Int32(channels),
                                Int32(tiles), 1, products + p * filters * tiles, Int32(tiles),
                                transformed + p * channels * tiles, Int32(tiles),
                                chunk == chunkRange.lowerBound ? 0 : 1, kernelGradient + p * filters * channels,
                                Int32(channels))
                }
                if let dx {
                    for p in 0..<area {
                        // dV_p[C, T] = U_p[F, C]ᵀ · dM_p[F, T]
                        dl_panel_gemm(Int32(channels), Int32(filters), Int32(tiles),
                                      shared.base + plan.kernels + p * plan.panelChannels * filters,
                                      products + p * filters * tiles, tiles, inputGradients + p * channels * tiles,
                                      tiles)
                    }
                    Self.transformInputGradients(count: count, g, plan, base, into: dx.base + first * sampleSize)
                }
            }
        }
        sumKernelGradients(plan, scratch: scratch, workers: active)
        untransformKernelGradient(plan, shared: shared, scratch: scratch, workers: workers, into: dw)
        if let db {
            for f in 0..<filters {
                var total: Float = 0
                for worker in 0..<active { total += scratch[worker * plan.perWorker + plan.biasGradient + f] }
                db[f] = total
            }
        }
    }

    // MARK: - Kernels

    /// Which products the transformed kernels are packed for (`dl_panel_gemm`'s A): `U_p[F, C]` in panels of
    /// filters for the forward products, `U_pᵀ[C, F]` in panels of channels for the backward input gradient.
    private enum KernelPanels { case filters, channels }

    /// `U = G g Gᵀ` for every kernel `g` (`w` is `[F, C, r, r]`) into `U[α², R′·D]`, via the by-position copy
    /// `[r, r, R′·D]`, split over the workers by whole panels: with `R` rows (filters or channels) and `D` columns
    /// (the other), row `i` and column `j` are lane `(i / 6)·6D + j·6 + i % 6`, zero past `R` (`R′` is `R` rounded
    /// up to whole panels).
    private func transformKernels(_ w: SendablePointer<Float>, panels order: KernelPanels, plan: WinogradPlan,
                                  shared: SendablePointer<Float>, scratch: SendablePointer<Float>, workers: Int) {
        let (filters, channels, r, alpha) = (plan.filters, plan.channels, plan.transform.kernel, plan.transform.alpha)
        let (taps, panelRows) = (r * r, Int(DL_PANEL_ROWS))
        // A kernel row (filter or channel) and column step through `w` by these strides.
        let (rows, depth, paddedRows, rowStride, columnStride) = order == .filters
            ? (filters, channels, plan.panelFilters, channels * taps, taps)
            : (channels, filters, plan.panelChannels, taps, channels * taps)
        let lanes = paddedRows * depth
        forEachSampleBlock(batch: paddedRows / panelRows, workers: workers) { worker, range in
            let lines = shared.base + plan.kernelLines
            for panel in range {
                let inPanel = min(panelRows, rows &- panel &* panelRows)
                for column in 0..<depth {
                    let lane = (panel &* depth &+ column) &* panelRows
                    let columnStart = w.base + column &* columnStride
                    for row in 0..<panelRows {
                        let kernel = columnStart + (panel &* panelRows &+ row) &* rowStride
                        for tap in 0..<taps { lines[tap &* lanes &+ lane &+ row] = row < inPanel ? kernel[tap] : 0 }
                    }
                }
            }
            let (first, end) = (range.lowerBound * panelRows * depth, range.upperBound * panelRows * depth)
            WinogradTransform.apply(plan.transform.kernelForward, lines + first, inRow: r * lanes, inColumn: lanes,
                                    into: shared.base + plan.kernels + first, outRow: alpha * lanes,
                                    outColumn: lanes, count: end - first,
                                    scratch: scratch.base + worker * plan.perWorker + plan.scratch)
        }
    }

    /// Worker 0's transformed kernel gradient += every other worker's.
    private func sumKernelGradients(_ plan: WinogradPlan, scratch: SendablePointer<Float>, workers: Int) {
        guard workers > 1 else { return }
        let count = plan.transform.alpha * plan.transform.alpha * plan.filters * plan.channels
        loop.forEach(count, itemCost: workers) { range in
            let total = scratch.base + plan.kernelGradient
            for worker in 1..<workers {
                let part = scratch.base + worker * plan.perWorker + plan.kernelGradient
                VectorKernels.accumulate(part + range.lowerBound, into: total + range.lowerBound, count: range.count)
            }
        }
    }

    /// `dg = Gᵀ dU G` for every kernel, from worker 0's summed `dU[α², F, C]` into `dw[F, C, r, r]`.
    private func untransformKernelGradient(_ plan: WinogradPlan, shared: SendablePointer<Float>,
                                           scratch: SendablePointer<Float>, workers: Int,
                                           into dw: SendablePointer<Float>) {
        let (pairs, r, alpha) = (plan.filters * plan.channels, plan.transform.kernel, plan.transform.alpha)
        let taps = r * r
        forEachSampleBlock(batch: pairs, workers: workers) { worker, range in
            let lines = shared.base + plan.kernelLines
            WinogradTransform.apply(plan.transform.kernelBackward,
                                    scratch.base + plan.kernelGradient + range.lowerBound, inRow: alpha * pairs,
                                    inColumn: pairs, into: lines + range.lowerBound, outRow: r * pairs,
                                    outColumn: pairs, count: range.count,
                                    scratch: scratch.base + worker * plan.perWorker + plan.scratch)
            for pair in range {
                for tap in 0..<taps { dw.base[pair &* taps &+ tap] = lines[tap &* pairs &+ pair] }
            }
        }
    }

    // MARK: - Tiles

    /// Where chunk `chunk` of the batch keeps its transformed inputs `[α², C, T]`: its own slot when the plan caches
    /// them for the backward pass (chunk `c` in worker `c / chunksPerWorker`'s region, whichever worker runs it),
    /// else the one slot of the worker running it.
    private static func transformedInputs(_ plan: WinogradPlan, _ scratch: UnsafeMutablePointer<Float>, worker: Int,
                                          chunk: Int) -> UnsafeMutablePointer<Float> {
        guard plan.cachesInputs else { return scratch + worker * plan.perWorker + plan.cachedInputs }
        let (region, slot) = chunk.quotientAndRemainder(dividingBy: plan.chunksPerWorker)
        return scratch + region * plan.perWorker + plan.cachedInputs + slot * plan.cachedInputStride
    }

    /// Gathers the `α×α` tiles of samples `first ..< first + count`, channel by channel, straight from the layer
    /// input `x` (zero in the border) and transforms them into `transformed`: `V[α², C, T] = Bᵀ d B`.
    ///
    /// `source` is the geometry of `x`. For a stride-1 layer it is `g` itself. For a phase-split layer (see
    /// `PhaseSplitPlan`) it is the strided layer's, and channel `c′ = (c·s + ry)·s + rx` of `g` is plane `c` of `x`
    /// read every `s`-th row and column from phase `(ry, rx)`, up to the split input's last row and column.
    private static func transformInputs(_ x: UnsafeMutablePointer<Float>, first: Int, count: Int,
                                        source: ConvolutionGeometry, _ g: ConvolutionGeometry, _ plan: WinogradPlan,
                                        _ base: UnsafeMutablePointer<Float>,
                                        into transformed: UnsafeMutablePointer<Float>) {
        let gathered = base + plan.tiles
        let (m, alpha, s) = (plan.transform.outputTile, plan.transform.alpha, source.strideWidth)
        let planeSize = source.height &* source.width
        let sampleSize = source.channels &* planeSize
        let samples = x + first &* sampleSize
        let tiles = count &* plan.tilesPerSample
        let lanes = plan.channels &* tiles
        for channel in 0..<plan.channels {
            let (plane, ry, rx) = (channel / (s &* s), channel / s % s, channel % s)
            let (top, left) = (ry &- source.paddingHeight, rx &- source.paddingWidth)
            // Rows and columns past the split input (past g's padded input when s = 1, where this is no limit).
            let rowEnd = min(source.height, s &* (g.height &+ 2 &* g.paddingHeight) &+ top)
            let columnEnd = min(source.width, s &* (g.width &+ 2 &* g.paddingWidth) &+ left)
            // One channel's tiles [α, α, T] at a time: gathered and transformed while they are in L1.
            dl_gather_tiles(samples + plane &* planeSize, sampleSize, Int32(source.width), Int32(s), Int32(top),
                            Int32(left), Int32(rowEnd), Int32(columnEnd), Int32(count), Int32(plan.tileRows),
                            Int32(plan.tileColumns), Int32(m), Int32(alpha), base + plan.stagedPlane, gathered, tiles)
            WinogradTransform.apply(plan.transform.inputForward, gathered, inRow: alpha * tiles, inColumn: tiles,
                                    into: transformed + channel &* tiles, outRow: alpha * lanes, outColumn: lanes,
                                    count: tiles, scratch: base + plan.scratch)
        }
    }

    /// `Y = f(Aᵀ M A + b)` for every filter and tile, written into the output samples `first ..< first + count`
    /// (tiles that overhang the output drop their extra rows and columns). A few filters at a time (about 512
    /// lanes): their output tiles `[m, m, filters·T]` are stored, biased and activated while they are in L1.
    private static func transformOutputs(_ products: UnsafeMutablePointer<Float>, count: Int, first: Int,
                                         _ g: ConvolutionGeometry, _ plan: WinogradPlan,
                                         _ base: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>?,
                                         activation: Activation?, into y: UnsafeMutablePointer<Float>) {
        let (filters, m, alpha) = (plan.filters, plan.transform.outputTile, plan.transform.alpha)
        let tiles = count * plan.tilesPerSample
        let lanes = filters * tiles
        let (outputTiles, spatial) = (base + plan.outputTiles, g.outputHeight * g.outputWidth)
        let group = max(1, 512 / tiles)
        for firstFilter in stride(from: 0, to: filters, by: group) {
            let groupLanes = min(group, filters - firstFilter) * tiles
            WinogradTransform.apply(plan.transform.outputForward, products + firstFilter * tiles,
                                    inRow: alpha * lanes, inColumn: lanes, into: outputTiles,
                                    outRow: m * groupLanes, outColumn: groupLanes, count: groupLanes,
                                    scratch: base + plan.scratch)
            for filter in firstFilter..<firstFilter + groupLanes / tiles {
                let planes = y + (first * filters + filter) * spatial
                dl_store_output_tiles(outputTiles + (filter - firstFilter) * tiles, groupLanes, planes,
                                      filters * spatial, Int32(g.outputHeight), Int32(g.outputWidth), Int32(count),
                                      Int32(plan.tileRows), Int32(plan.tileColumns), Int32(m))
                for n in 0..<count {
                    biasActivate(planes + n * filters * spatial, bias: bias.map { $0 + filter },
                                 activation: activation, channels: 1, spatial: spatial)
                }
            }
        }
    }

    /// Gathers the output gradient's `m×m` tiles of samples `first ..< first + count` (zero where a tile overhangs
    /// the output) into `[m, m, F, T]` and transforms them: `dM[α², F, T] = A dY Aᵀ`, into the products buffer.
    private static func transformOutputGradients(_ dy: UnsafeMutablePointer<Float>, count: Int, first: Int,
                                                 _ g: ConvolutionGeometry, _ plan: WinogradPlan,
                                                 _ base: UnsafeMutablePointer<Float>) {
        let (filters, m, alpha) = (plan.filters, plan.transform.outputTile, plan.transform.alpha)
        let lanes = filters * count * plan.tilesPerSample
        let gathered = base + plan.outputTiles
        let spatial = g.outputHeight * g.outputWidth
        for filter in 0..<filters {
            dl_load_output_tiles(dy + (first * filters + filter) * spatial, filters * spatial, Int32(g.outputHeight),
                                 Int32(g.outputWidth), Int32(count), Int32(plan.tileRows), Int32(plan.tileColumns),
                                 Int32(m), gathered + filter * count * plan.tilesPerSample, lanes)
        }
        WinogradTransform.apply(plan.transform.outputBackward, gathered, inRow: m * lanes, inColumn: lanes,
                                into: base + plan.products, outRow: alpha * lanes, outColumn: lanes, count: lanes,
                                scratch: base + plan.scratch)
    }

    /// `dd = B dV Bᵀ` for every channel and tile (dV from the transformed buffer), summed over the overlapping tiles
    /// into the zero-bordered gradient buffer, whose interiors become the input gradient of the chunk's samples.
    private static func transformInputGradients(count: Int, _ g: ConvolutionGeometry, _ plan: WinogradPlan,
                                                _ base: UnsafeMutablePointer<Float>,
                                                into dx: UnsafeMutablePointer<Float>) {
        let (channels, m, alpha) = (plan.channels, plan.transform.outputTile, plan.transform.alpha)
        let tiles = count &* plan.tilesPerSample
        let lanes = channels * tiles
        let (gradient, tileGradients) = (base + plan.paddedGradient, base + plan.tiles)
        WinogradTransform.apply(plan.transform.inputBackward, base + plan.transformed, inRow: alpha * lanes,
                                inColumn: lanes, into: tileGradients, outRow: alpha * lanes, outColumn: lanes,
                                count: lanes, scratch: base + plan.scratch)
        let (paddedHeight, paddedWidth) = (plan.paddedHeight, plan.paddedWidth)
        let planeSize = paddedHeight &* paddedWidth
        gradient.update(repeating: 0, count: count &* channels &* planeSize)
        for channel in 0..<channels {
            dl_scatter_add_tiles(tileGradients + channel &* tiles, lanes, gradient + channel &* planeSize,
                                 channels &* planeSize, paddedWidth, Int32(count), Int32(plan.tileRows),
                                 Int32(plan.tileColumns), Int32(m), Int32(alpha))
        }
        for plane in 0..<count &* channels {
            for row in 0..<g.height {
                VectorKernels.copy(gradient + (plane &* planeSize &+ (row &+ g.paddingHeight) &* paddedWidth
                                       &+ g.paddingWidth),
                                   to: dx + (plane &* g.height &+ row) &* g.width, count: g.width)
            }
        }
    }

    /// The per-worker and shared scratch tensors `winogradWorkspace` planned, and the worker count.
    private func winogradScratch(_ workspace: [Tensor], _ plan: WinogradPlan, batch: Int) throws
        -> (SendablePointer<Float>, SendablePointer<Float>, Int) {
        let workers = convolutionWorkers(batch: batch)
        guard workspace.count == 2, workspace[0].shape.rank == 2, workspace[0].shape[1] == plan.perWorker,
              workspace[0].shape[0] >= workers, workspace[1].shape.count == plan.sharedCount
        else {
            throw EngineError.invalidArgument(
                "convolution: the workspace must be the tensors convolutionWorkspace planned "
                    + "([\(workers), \(plan.perWorker)] and [\(plan.sharedCount)])")
        }
        return (try cpu(workspace[0]).data, try cpu(workspace[1]).data, workers)
    }
}
