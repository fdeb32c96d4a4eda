import COpenBLAS
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
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a.pointer + aOffset, Int32(lda),
                    b.pointer + bOffset, Int32(ldb), beta, c.pointer + cOffset, Int32(ldc))
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
