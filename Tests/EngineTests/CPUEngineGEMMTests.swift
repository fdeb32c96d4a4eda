import CPUEngine
import Engine
import XCTest

/// `gemm` against the naive triple loop; tolerance 1e-5 relative (float32 products of ~50 terms in [−1, 1]).
final class CPUEngineGEMMTests: XCTestCase {
    private let engine = CPUEngine(threads: 2)

    func testEveryTransposeWithOffsetsAndLeadingDimensions() throws {
        var random = TestRandom(seed: 2)
        let (m, n, k) = (13, 7, 29)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
            let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
            let (lda, ldb, ldc) = (aColumns + 3, bColumns + 1, n + 5)
            let (aOffset, bOffset, cOffset) = (5, 2, 7)
            let a = random.floats(aOffset + aRows * lda)
            let b = random.floats(bOffset + bRows * ldb)
            let c = random.floats(cOffset + m * ldc)
            for beta: Float in [0, 1, 0.5] {
                let cTensor = try engine.tensor(c, Shape(c.count))
                try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                                a: try engine.tensor(a, Shape(a.count)), aOffset: aOffset, lda: lda,
                                b: try engine.tensor(b, Shape(b.count)), bOffset: bOffset, ldb: ldb,
                                beta: beta, c: cTensor, cOffset: cOffset, ldc: ldc)
                let expected = NaiveReference.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                    a: a, aOffset: aOffset, lda: lda, b: b, bOffset: bOffset, ldb: ldb,
                    beta: beta, c: c, cOffset: cOffset, ldc: ldc)
                assertClose(try engine.download(cTensor), expected, tolerance: 1e-5,
                            "gemm tA=\(transposeA) tB=\(transposeB) beta=\(beta)")
            }
        }
    }

    /// A·Bᵀ with at most 128 rows of A (a dense layer's forward at a small or mid-size batch) streams B through
    /// the engine's own kernels: 1, 5 and 16 rows (`dl_skinny_gemm_nt`, column counts that are not a multiple of its
    /// 8-column groups), 17–128 rows (`dl_rows_gemm`: row counts that leave a partial 6-row block; up to 64 rows Aᵀ
    /// padded to whole vectors, 2, 3 or 4 of them, beyond that partial vectors of Aᵀ's rows), offsets, leading
    /// dimensions, alpha and beta (0 must not read C: NaN there stays out), and 1–3 threads.
    func testSmallBatchTimesTransposedWeightsMatchesNaive() throws {
        var random = TestRandom(seed: 6)
        for threads in [1, 2, 3] {
            let engine = CPUEngine(threads: threads)
            for (m, n, k) in [(1, 256, 300), (5, 301, 257), (16, 1030, 520), (17, 257, 256), (40, 263, 300),
                              (50, 301, 257), (64, 1030, 520), (100, 263, 300), (128, 301, 333)] {
                let (lda, ldb, ldc) = (k + 3, k + 1, n + 2)
                let a = random.floats(4 + m * lda)
                let b = random.floats(2 + n * ldb)
                for beta: Float in [0, 0.5] {
                    var c = random.floats(1 + m * ldc)
                    if beta == 0 { c = c.map { _ in .nan } }
                    let cTensor = try engine.tensor(c, Shape(c.count))
                    try engine.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 0.75,
                                    a: try engine.tensor(a, Shape(a.count)), aOffset: 4, lda: lda,
                                    b: try engine.tensor(b, Shape(b.count)), bOffset: 2, ldb: ldb,
                                    beta: beta, c: cTensor, cOffset: 1, ldc: ldc)
                    var expected = NaiveReference.gemm(
                        transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 0.75,
                        a: a, aOffset: 4, lda: lda, b: b, bOffset: 2, ldb: ldb, beta: beta,
                        c: c.map { $0.isNaN ? 0 : $0 }, cOffset: 1, ldc: ldc)
                    var got = try engine.download(cTensor)
                    // Outside the product (the offset and the ld padding) C keeps what it had.
                    for i in got.indices where !(i >= 1 && (i - 1) % ldc < n && (i - 1) / ldc < m) {
                        XCTAssertTrue(got[i] == c[i] || got[i].isNaN && c[i].isNaN, "untouched C[\(i)]")
                        (got[i], expected[i]) = (0, 0)
                    }
                    assertClose(got, expected, tolerance: 1e-4, "\(m)×\(n)×\(k) beta \(beta), \(threads) threads")
                }
            }
        }
    }

    /// The engine's own splits: large products over its threads by columns (wide C) or rows (tall C), and thin
    /// inner dimensions over a large C in row blocks (of 16 rows and more, and of a few rows when C is very wide);
    /// every transpose, offsets and leading dimensions.
    func testSplitProductsMatchNaive() throws {
        var random = TestRandom(seed: 4)
        for (m, n, k) in [(40, 300, 200), (300, 70, 150), (1100, 1000, 3), (12, 90_000, 2)] {
            for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
                let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
                let (lda, ldb, ldc) = (aColumns + 1, bColumns + 2, n + 3)
                let a = random.floats(3 + aRows * lda)
                let b = random.floats(1 + bRows * ldb)
                let c = random.floats(2 + m * ldc)
                let cTensor = try engine.tensor(c, Shape(c.count))
                try engine.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                a: try engine.tensor(a, Shape(a.count)), aOffset: 3, lda: lda,
                                b: try engine.tensor(b, Shape(b.count)), bOffset: 1, ldb: ldb,
                                beta: 0.5, c: cTensor, cOffset: 2, ldc: ldc)
                let expected = NaiveReference.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                    a: a, aOffset: 3, lda: lda, b: b, bOffset: 1, ldb: ldb, beta: 0.5, c: c, cOffset: 2, ldc: ldc)
                assertClose(try engine.download(cTensor), expected, tolerance: 1e-4,
                            "gemm \(m)×\(n)×\(k) tA=\(transposeA) tB=\(transposeB)")
            }
        }
    }

    func testBetaZeroOverwritesNaN() throws {
        for (m, n, k) in [(3, 4, 5), (70, 65, 33), (5, 6, 0)] {
            var random = TestRandom(seed: 3)
            let (a, b) = (random.floats(max(m * k, 1)), random.floats(max(k * n, 1)))
            let c = try engine.poisoned(Shape(m, n))
            try engine.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                            a: try engine.tensor(a, Shape(a.count)), aOffset: 0, lda: max(k, 1),
                            b: try engine.tensor(b, Shape(b.count)), bOffset: 0, ldb: n,
                            beta: 0, c: c, cOffset: 0, ldc: n)
            let expected = NaiveReference.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                               a: a, lda: max(k, 1), b: b, ldb: n, beta: 0,
                                               c: [Float](repeating: 0, count: m * n), ldc: n)
            assertClose(try engine.download(c), expected, tolerance: 1e-5, "\(m)×\(n)×\(k)")
        }
    }

    func testMatrixOutsideItsTensorThrows() throws {
        let small = try engine.makeTensor(Shape(10), label: "small")
        XCTAssertThrowsError(try engine.gemm(transposeA: false, transposeB: false, m: 3, n: 3, k: 3, alpha: 1,
                                             a: small, aOffset: 2, lda: 3, b: small, bOffset: 0, ldb: 3,
                                             beta: 0, c: small, cOffset: 0, ldc: 3))
    }
}
