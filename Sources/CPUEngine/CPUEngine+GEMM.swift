import COpenBLAS
import CVectorKernels
import Engine

extension CPUEngine {
    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: Tensor, aOffset: Int, lda: Int, b: Tensor, bOffset: Int, ldb: Int,
                     beta: Float, c: Tensor, cOffset: Int, ldc: Int) throws {
        let (a, b, c) = (try cpu(a), try cpu(b), try cpu(c))
        guard m > 0, n > 0 else { return }
        // Stored A is k×m when transposed, B is n×k when transposed.
        try Self.checkMatrix("A", a, offset: aOffset, rows: transposeA ? k : m, columns: transposeA ? m : k, ld: lda)
        try Self.checkMatrix("B", b, offset: bOffset, rows: transposeB ? n : k, columns: transposeB ? k : n, ld: ldb)
        try Self.checkMatrix("C", c, offset: cOffset, rows: m, columns: n, ld: ldc)
        // OpenBLAS writes beta·C without reading C when beta = 0 (NaNs do not survive: tested); with nothing to
        // multiply it is skipped, so scale here.
        if k == 0 || alpha == 0 {
            scale(c, offset: cOffset, rows: m, columns: n, ld: ldc, by: beta)
            return
        }
        let (pa, pb, pc) = (a.data, b.data, c.data)
        let (ta, tb) = (transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans)
        if k <= 64, m * n >= 1 << 20, !useOpenBLASThreads {
            // A thin inner dimension over a large C (a dense layer's weight gradient where `denseBackward`'s
            // one-sweep kernel does not run): OpenBLAS first writes β·C over the whole of C, then accumulates into
            // it, three passes over memory. In row blocks of about 1.5 MB both passes stay in L2 and C goes out to
            // memory once. Where 16 rows fit, blocks are whole multiples of 16 rows, OpenBLAS's tile height here:
            // fashion-mnist's dense1 shape (1024 × 3136, k = 64) took 2.07 ms in blocks of 83 rows and 1.69–1.79
            // in blocks of 128 (two threads, hot caches). Every thread gets at least one block.
            let fit = max(1, (3 << 17) / n)
            let tile = fit >= 16 ? (fit + 8) / 16 * 16 : fit
            let rowsPerBlock = max(1, min(tile, (m + threads - 1) / threads))
            let blocks = (m + rowsPerBlock - 1) / rowsPerBlock
            forEachBlock(blocks, blocks: blocks) { range in
                for block in range {
                    let first = block * rowsPerBlock
                    let count = Int32(min(rowsPerBlock, m - first))
                    cblas_sgemm(CblasRowMajor, ta, tb, count, Int32(n), Int32(k), alpha,
                                pa.base + aOffset + (transposeA ? first : first * lda), Int32(lda),
                                pb.base + bOffset, Int32(ldb), beta, pc.base + cOffset + first * ldc, Int32(ldc))
                }
            }
            return
        }
        if !transposeA, transposeB, m <= 16, n >= 256, k >= 256, !useOpenBLASThreads {
            // A dense layer's forward at a small batch: stream the weights once instead of packing them.
            skinnyProduct(m: m, n: n, k: k, alpha: alpha, a: pa.base + aOffset, lda: lda, b: pb.base + bOffset,
                          ldb: ldb, beta: beta, c: pc.base + cOffset, ldc: ldc)
            return
        }
        if !transposeA, transposeB, (17...128).contains(m), n >= 256, k >= 256, !useOpenBLASThreads {
            // A dense layer's forward at a mid-size batch: stream the weights once against the batch held in L2.
            rowsProduct(m: m, n: n, k: k, alpha: alpha, a: pa.base + aOffset, lda: lda, b: pb.base + bOffset,
                        ldb: ldb, beta: beta, c: pc.base + cOffset, ldc: ldc)
            return
        }
        let parts = gemmParts(m: m, n: n, k: k)
        guard parts > 1 else {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha, pa.base + aOffset, Int32(lda),
                        pb.base + bOffset, Int32(ldb), beta, pc.base + cOffset, Int32(ldc))
            return
        }
        // Single-threaded sgemms on blocks of C's columns (or rows, when C is tall), claimed by our threads.
        let splitColumns = n >= m
        forEachBlock(splitColumns ? n : m, blocks: parts) { block in
            let (first, count) = (block.lowerBound, Int32(block.count))
            if splitColumns {
                // B's columns first..<first+count: column offset when B is k×n, row offset when stored n×k.
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), count, Int32(k), alpha, pa.base + aOffset, Int32(lda),
                            pb.base + bOffset + (transposeB ? first * ldb : first), Int32(ldb), beta,
                            pc.base + cOffset + first, Int32(ldc))
            } else {
                cblas_sgemm(CblasRowMajor, ta, tb, count, Int32(n), Int32(k), alpha,
                            pa.base + aOffset + (transposeA ? first : first * lda), Int32(lda),
                            pb.base + bOffset, Int32(ldb), beta, pc.base + cOffset + first * ldc, Int32(ldc))
            }
        }
    }

    /// `C = alpha·A·Bᵀ + beta·C` for at most 16 rows of A: OpenBLAS packs all of B (N×K) for so few rows and runs
    /// at about 40% of the memory bandwidth here; `dl_skinny_gemm_nt` reads each element of B once, broadcast
    /// against A's column held in a 16-lane vector, on the engine's threads by blocks of C's columns.
    private func skinnyProduct(m: Int, n: Int, k: Int, alpha: Float, a: UnsafeMutablePointer<Float>, lda: Int,
                               b: UnsafeMutablePointer<Float>, ldb: Int, beta: Float,
                               c: UnsafeMutablePointer<Float>, ldc: Int) {
        let (b, c) = (SendablePointer(b), SendablePointer(c))
        gemmScratch.withFloats(k * 16) { lanes in
            dl_transpose_to_lanes(Int32(m), Int32(k), a, lda, lanes)
            let transposed = SendablePointer(lanes)
            // Blocks of whole 8-column groups, so every block but the last runs full groups.
            let groups = (n + 7) / 8
            forEachBlock(groups, blocks: loop.balancedBlocks) { range in
                dl_skinny_gemm_nt(Int32(m), Int32(k), transposed.base, b.base, ldb, alpha, beta, c.base, ldc,
                                  Int32(range.lowerBound * 8), Int32(min(n, range.upperBound * 8)))
            }
        }
    }

    /// `C = alpha·A·Bᵀ + beta·C` for 17–128 rows of A (a dense layer's forward at a mid-size batch) as
    /// `Cᵀ = B·Aᵀ`: `dl_rows_gemm` reads B's rows (the weights) once, six at a time, against `Aᵀ` (in L2 for
    /// fashion-mnist's 64 × 3136), on the engine's threads by blocks of B's rows, and `Cᵀ` is transposed into C.
    /// On fashion-mnist's dense1 (64 × 1024 × 3136) OpenBLAS ran at about 110 GFLOP/s a thread, `dl_rows_gemm` at
    /// about 150 (measured).
    private func rowsProduct(m: Int, n: Int, k: Int, alpha: Float, a: UnsafeMutablePointer<Float>, lda: Int,
                             b: UnsafeMutablePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>,
                             ldc: Int) {
        let (a, b, c) = (SendablePointer(a), SendablePointer(b), SendablePointer(c))
        // Aᵀ's rows hold m floats, padded with zeros to a whole vector where dl_transpose_to_lanes can write them.
        let pitch = m <= 64 ? Int(dl_lanes(Int32(m))) : m
        // 16 floats between Aᵀ and Cᵀ: dl_rows_gemm reads up to 15 past Aᵀ, which another thread's Cᵀ must not be.
        gemmScratch.withFloats(k * pitch + 16 + n * m) { scratch in
            let (transposedA, transposedC) = (SendablePointer(scratch), SendablePointer(scratch + k * pitch + 16))
            forEachBlock(k, blocks: loop.balancedBlocks) { range in
                if m <= 64 {
                    // Column by column: the m rows' current cache lines stay in L1 while Aᵀ is written in order.
                    dl_transpose_to_lanes(Int32(m), Int32(range.count), a.base + range.lowerBound, lda,
                                          transposedA.base + range.lowerBound * pitch)
                    return
                }
                for i in 0..<m {
                    let row = a.base + i * lda
                    for column in range { transposedA.base[column &* m &+ i] = row[column] }
                }
            }
            let panels = (n + Int(DL_PANEL_ROWS) - 1) / Int(DL_PANEL_ROWS)
            forEachBlock(panels, blocks: loop.balancedBlocks) { range in
                let first = range.lowerBound * Int(DL_PANEL_ROWS)
                let rows = min(n, range.upperBound * Int(DL_PANEL_ROWS)) - first
                dl_rows_gemm(Int32(rows), Int32(k), Int32(m), b.base + first * ldb, ldb, transposedA.base, pitch,
                             transposedC.base + first * m, m)
            }
            forEachBlock(m, blocks: loop.balancedBlocks) { range in
                // By 64 columns of C: the Cᵀ lines they read stay in L1 across the block's rows.
                for start in stride(from: 0, to: n, by: 64) {
                    for i in range {
                        let row = c.base + i * ldc
                        for j in start..<min(start + 64, n) {
                            let product = alpha * transposedC.base[j &* m &+ i]
                            row[j] = beta == 0 ? product : product + beta * row[j]
                        }
                    }
                }
            }
        }
    }

    /// How many of our threads a product is split over: one below ~4 MFLOP (thread start-up dominates), or when
    /// OpenBLAS keeps its own threads (`DLTRAIN_BLAS_THREADS=openblas`); blocks of C stay at least 64 wide. (Two
    /// blocks per thread, which would let a thread slowed by another process run fewer, measured slower on
    /// fashion-mnist's dense1: each block packs all of A again.)
    func gemmParts(m: Int, n: Int, k: Int) -> Int {
        guard threads > 1, !useOpenBLASThreads, 2 * m * n * k >= 4_000_000 else { return 1 }
        return max(1, min(threads, max(m, n) / 64))
    }

    /// `C[i, j] = beta·C[i, j]` over an `rows×columns` block, writing zeros (not `0·NaN`) when `beta = 0`.
    private func scale(_ c: CPUTensor, offset: Int, rows: Int, columns: Int, ld: Int, by beta: Float) {
        let data = c.data
        loop.forEach(rows, itemCost: columns) { range in
            for row in range {
                let start = data.base + offset + row * ld
                if beta == 0 {
                    start.update(repeating: 0, count: columns)
                } else {
                    for j in 0..<columns { start[j] *= beta }
                }
            }
        }
    }

    /// Throws unless a `rows×columns` matrix with leading dimension `ld` at `offset` fits inside `tensor`.
    private static func checkMatrix(_ name: String, _ tensor: CPUTensor, offset: Int, rows: Int, columns: Int,
                                    ld: Int) throws {
        let fits = offset >= 0 && ld >= max(columns, 1)
            && (rows == 0 || columns == 0 || offset + (rows - 1) * ld + columns <= tensor.count)
        guard fits else {
            throw EngineError.invalidArgument(
                "gemm: \(name) (\(rows)×\(columns), ld \(ld), offset \(offset)) does not fit in \(tensor.label) "
                    + "of shape \(tensor.shape)")
        }
    }
}
