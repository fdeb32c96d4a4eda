import CCLBlast
import COpenCL
import Engine

extension OpenCLEngine {
    /// `C = alpha·op(A)·op(B) + beta·C` through `CLBlastSgemm` (row-major, offsets and leading dimensions as
    /// given); CLBlast checks the buffers are large enough.
    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: Tensor, aOffset: Int, lda: Int, b: Tensor, bOffset: Int, ldb: Int,
                     beta: Float, c: Tensor, cOffset: Int, ldc: Int) throws {
        guard m > 0, n > 0 else { return }
        guard k > 0 else { throw EngineError.invalidArgument("gemm: inner dimension k = \(k) must be positive") }
        let aBuffer = try memory(a, atLeast: 1, "gemm A")
        let bBuffer = try memory(b, atLeast: 1, "gemm B")
        let cBuffer = try memory(c, atLeast: 1, "gemm C")
        let status: CLBlastStatusCode = lock.withLock {
            var target: cl_command_queue? = queue
            return CLBlastSgemm(CLBlastLayoutRowMajor,
                                transposeA ? CLBlastTransposeYes : CLBlastTransposeNo,
                                transposeB ? CLBlastTransposeYes : CLBlastTransposeNo,
                                m, n, k, alpha, aBuffer, aOffset, lda, bBuffer, bOffset, ldb,
                                beta, cBuffer, cOffset, ldc, &target, nil)
        }
        try OpenCLStatus.check(status.rawValue, "CLBlastSgemm(m: \(m), n: \(n), k: \(k))")
    }
}
