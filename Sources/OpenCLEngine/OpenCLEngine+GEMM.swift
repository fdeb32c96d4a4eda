import CCLBlast
import COpenCL
import Engine

extension OpenCLEngine {
    /// `C = alpha·op(A)·op(B) + beta·C` through CLBlast (row-major, offsets and leading dimensions as given);
    /// CLBlast checks the buffers are large enough. A product whose output is too small to occupy the device but
    /// whose `k` is long (a convolution's weight gradient sums over every pixel of the batch) is split along `k`:
    /// the slices run as one strided-batched GEMM and `sum_gemm_slices` adds them up.
    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: Tensor, aOffset: Int, lda: Int, b: Tensor, bOffset: Int, ldb: Int,
                     beta: Float, c: Tensor, cOffset: Int, ldc: Int) throws {
        guard m > 0, n > 0 else { return }
        guard k > 0 else { throw EngineError.invalidArgument("gemm: inner dimension k = \(k) must be positive") }
        let operands = GEMMOperands(
            transposeA: transposeA ? CLBlastTransposeYes : CLBlastTransposeNo,
            transposeB: transposeB ? CLBlastTransposeYes : CLBlastTransposeNo,
            a: try memory(a, atLeast: 1, "gemm A"), lda: lda, b: try memory(b, atLeast: 1, "gemm B"), ldb: ldb)
        let cBuffer = try memory(c, atLeast: 1, "gemm C")
        let slices = Self.splitKSlices(m: m, n: n, k: k, computeUnits: device.computeUnits)
        // Slice s covers k in [s·depth, (s+1)·depth); a remainder past slices·depth gets a plane of its own.
        let depth = k / slices
        let remainder = k - slices * depth
        let planes = slices + (remainder > 0 ? 1 : 0)
        // `sum_gemm_slices` indexes the slices and C with 32-bit ints.
        guard slices > 1, Int32(exactly: planes * m * n) != nil, Int32(exactly: cOffset + (m - 1) * ldc + n) != nil
        else {
            return try sgemm(operands, m: m, n: n, k: k, alpha: alpha, aOffset: aOffset, bOffset: bOffset,
                             beta: beta, c: cBuffer, cOffset: cOffset, ldc: ldc)
        }
        let aStride = transposeA ? depth * lda : depth
        let bStride = transposeB ? depth : depth * ldb
        let partials = try scratch("gemm split-k slices", count: planes * m * n)
        let partialBuffer = try memory(partials, atLeast: planes * m * n, "gemm split-k slices")
        let status: CLBlastStatusCode = lock.withLock {
            var target: cl_command_queue? = queue
            return CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, operands.transposeA, operands.transposeB,
                                              m, n, depth, alpha, operands.a, aOffset, lda, aStride,
                                              operands.b, bOffset, ldb, bStride, 0, partialBuffer, 0, n, m * n,
                                              slices, &target, nil)
        }
        try OpenCLStatus.check(status.rawValue,
                               "CLBlastSgemmStridedBatched(m: \(m), n: \(n), k: \(depth) × \(slices))")
        if remainder > 0 {
            try sgemm(operands, m: m, n: n, k: remainder, alpha: alpha, aOffset: aOffset + slices * aStride,
                      bOffset: bOffset + slices * bStride, beta: 0, c: partialBuffer, cOffset: slices * m * n, ldc: n)
        }
        try launch("sum_gemm_slices", grid: Grid(x: n, y: m, z: 1), [
            .buffer(partialBuffer), try int(planes, "gemm slices"), try int(m, "gemm m"), try int(n, "gemm n"),
            .float(beta), .buffer(cBuffer), try int(cOffset, "gemm C offset"), try int(ldc, "gemm ldc"),
        ])
    }

    /// How many slices of `k` a GEMM is cut into (1: not split). Taking an output tile of 64 × 64 per work-group,
    /// it aims for four work-groups per compute unit, with slices no shorter than 256 and at most 64 of them.
    static func splitKSlices(m: Int, n: Int, k: Int, computeUnits: Int) -> Int {
        let tiles = ((m + 63) / 64) * ((n + 63) / 64)
        let wanted = (4 * max(computeUnits, 1) + tiles - 1) / tiles
        return max(1, min(wanted, k / 256, 64))
    }

    /// One `CLBlastSgemm` on the engine's queue.
    private func sgemm(_ operands: GEMMOperands, m: Int, n: Int, k: Int, alpha: Float, aOffset: Int, bOffset: Int,
                       beta: Float, c: cl_mem, cOffset: Int, ldc: Int) throws {
        let status: CLBlastStatusCode = lock.withLock {
            var target: cl_command_queue? = queue
            return CLBlastSgemm(CLBlastLayoutRowMajor, operands.transposeA, operands.transposeB, m, n, k, alpha,
                                operands.a, aOffset, operands.lda, operands.b, bOffset, operands.ldb, beta, c,
                                cOffset, ldc, &target, nil)
        }
        try OpenCLStatus.check(status.rawValue, "CLBlastSgemm(m: \(m), n: \(n), k: \(k))")
    }
}

/// The A and B sides of one GEMM as CLBlast takes them.
private struct GEMMOperands {
    var transposeA: CLBlastTranspose
    var transposeB: CLBlastTranspose
    var a: cl_mem
    var lda: Int
    var b: cl_mem
    var ldb: Int
}
