import CVectorKernels
import Engine

/// How a Winograd convolution lays out one batch: the tile grid, how many samples each worker transforms at once
/// (a chunk of about `targetTiles` tiles: the α² products per chunk are small GEMMs, but the chunk's transformed
/// tiles stay in L2; 64 measured faster than 16, 32, 128 or 256 on fashion-mnist and AlexNet), whether the forward
/// pass keeps every chunk's transformed inputs for the backward pass, and the float offsets of each worker's scratch
/// and of the shared transformed kernels.
struct WinogradPlan {
    let transform: WinogradTransform
    let channels: Int
    let filters: Int
    /// `filters` and `channels` rounded up to whole panels of `dl_panel_gemm` (`DL_PANEL_ROWS` rows).
    let panelFilters: Int
    let panelChannels: Int
    let tileRows: Int
    let tileColumns: Int
    /// `tileRows · tileColumns`.
    let tilesPerSample: Int
    /// Rows and columns of the zero-bordered input the tiles cover: `tiles·m + r − 1`.
    let paddedHeight: Int
    let paddedWidth: Int
    /// Samples transformed together by one worker.
    let chunkSamples: Int
    /// Cache slots in each worker's region: the chunks of the largest worker's share of the batch.
    let chunksPerWorker: Int
    /// Whether the forward pass keeps each chunk's transformed inputs for the backward pass (the batch's whole
    /// transformed input, ≈ α²/m² times the input, fits the engine's budget); otherwise the backward pass
    /// recomputes them into one slot.
    let cachesInputs: Bool

    /// Per-worker offsets: the zero-bordered input gradient of a chunk `[S, C, Hp, Wp]`; one zero-bordered input
    /// plane `[Hp, Wp]` that `dl_gather_tiles` stages (and 8 floats it may read past it); gathered input tiles (and
    /// input-tile gradients) `[α, α, C, T]`; the transformed input gradient `[α², C, T]`; the products and their
    /// gradients `[α², F, T]` (`dl_panel_gemm` may read 15 floats past them, into the output tiles); output tiles
    /// and their gradients `[m, m, F, T]`; `WinogradTransform.apply`'s scratch; the transformed kernel gradient
    /// `[α², F, C]`; the bias gradient `[F]`; and the transformed inputs `[α², C, T]`: when `cachesInputs`,
    /// `chunksPerWorker` slots, chunk `c` of the batch in slot `c % chunksPerWorker` of worker `c / chunksPerWorker`'s
    /// region (whichever worker runs it), else one slot for the worker's own chunks. Each slot ends with 16 floats
    /// of room for the 15 that `dl_panel_gemm` may read past its last row.
    let paddedGradient: Int
    let stagedPlane: Int
    let tiles: Int
    let transformed: Int
    let products: Int
    let outputTiles: Int
    let scratch: Int
    let kernelGradient: Int
    let biasGradient: Int
    let cachedInputs: Int
    /// Floats between consecutive chunks' transformed inputs.
    let cachedInputStride: Int
    let perWorker: Int

    /// Shared offsets: transformed kernels `[α², F′·C]` packed in panels of filters (the forward pass) or
    /// `[α², C′·F]` in panels of channels (the backward pass), and kernels by position `[r, r, ·]` (`F′` and `C′`
    /// are `panelFilters` and `panelChannels`).
    let kernels: Int
    let kernelLines: Int
    let sharedCount: Int

    /// About this many tiles per chunk.
    static let targetTiles = 64

    /// The plan for `g`, or nil when Winograd does not apply: stride 1, a square 3×3 or 5×5 kernel, and at least
    /// 16 input channels and 16 filters (fewer make the α² products too thin to pay for the transforms).
    /// `cacheFloats` bounds the transformed inputs kept for the backward pass, all workers together.
    init?(_ g: ConvolutionGeometry, filters: Int, workers: Int, cacheFloats: Int) {
        guard g.strideHeight == 1, g.strideWidth == 1, g.kernelHeight == g.kernelWidth,
              let transform = WinogradTransform.forKernel(g.kernelHeight),
              g.channels >= 16, filters >= 16, g.outputHeight >= 1, g.outputWidth >= 1, g.batch >= 1
        else { return nil }
        self.transform = transform
        channels = g.channels
        self.filters = filters
        let panelRows = Int(DL_PANEL_ROWS)
        panelFilters = (filters + panelRows - 1) / panelRows * panelRows
        panelChannels = (g.channels + panelRows - 1) / panelRows * panelRows
        let (m, alpha) = (transform.outputTile, transform.alpha)
        tileRows = (g.outputHeight + m - 1) / m
        tileColumns = (g.outputWidth + m - 1) / m
        tilesPerSample = tileRows * tileColumns
        paddedHeight = tileRows * m + transform.kernel - 1
        paddedWidth = tileColumns * m + transform.kernel - 1
        let samplesPerWorker = (g.batch + workers - 1) / workers
        chunkSamples = max(1, min(samplesPerWorker, (Self.targetTiles + tilesPerSample / 2) / tilesPerSample))
        chunksPerWorker = (samplesPerWorker + chunkSamples - 1) / chunkSamples

        let chunkTiles = chunkSamples * tilesPerSample
        let paddedSize = alignedFloats(chunkSamples * channels * paddedHeight * paddedWidth)
        let area = alpha * alpha
        paddedGradient = 0
        stagedPlane = paddedGradient + paddedSize
        // dl_gather_tiles reads 8 floats per tile row.
        tiles = stagedPlane + alignedFloats(paddedHeight * paddedWidth + 8)
        transformed = tiles + alignedFloats(channels * area * chunkTiles)
        products = transformed + alignedFloats(area * channels * chunkTiles)
        outputTiles = products + alignedFloats(area * filters * chunkTiles)
        scratch = outputTiles + alignedFloats(filters * m * m * chunkTiles)
        kernelGradient = scratch + alignedFloats(area * WinogradTransform.lanes)
        biasGradient = kernelGradient + alignedFloats(area * filters * channels)
        cachedInputs = biasGradient + alignedFloats(filters)
        cachedInputStride = alignedFloats(area * channels * chunkTiles + 16)
        cachesInputs = workers * chunksPerWorker * cachedInputStride <= cacheFloats
        perWorker = cachedInputs + (cachesInputs ? chunksPerWorker : 1) * cachedInputStride

        kernels = 0
        let packedKernels = max(panelFilters * channels, panelChannels * filters)
        kernelLines = alignedFloats(area * packedKernels)
        sharedCount = kernelLines + alignedFloats(transform.kernel * transform.kernel * packedKernels)
    }

    /// The chunks a batch is cut into: `chunkSamples` samples each, the last one shorter. They fit the cache slots:
    /// `workers · chunksPerWorker` ≥ ⌈batch / chunkSamples⌉.
    func chunkCount(batch: Int) -> Int { (batch + chunkSamples - 1) / chunkSamples }

    /// The samples chunk `chunk` of the batch covers.
    func samples(ofChunk chunk: Int, batch: Int) -> Range<Int> {
        chunk * chunkSamples..<min(batch, (chunk + 1) * chunkSamples)
    }
}
