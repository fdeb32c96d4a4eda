import COpenBLAS
import Engine
import Glibc

/// The machine's SGEMM ceiling: GFLOP/s of row-major `cblas_sgemm` (`C = A·B`, `m×k · k×n`) on a thread count,
/// the yardstick the per-layer GFLOP/s of `compare-devices` are read against (`dltrain bench-gemm`).
public enum SGEMMBenchmark {
    /// How the product is spread over threads.
    public enum Mode: String, CaseIterable, Sendable {
        /// One call; OpenBLAS's own threads split it.
        case blas
        /// `CPUEngine.gemm`: by default the engine's own threads, each running single-threaded OpenBLAS on a block
        /// of rows or columns (OpenBLAS's pool with `DLTRAIN_BLAS_THREADS=openblas`).
        case engine
    }

    /// One measurement: the median and every repeat's GFLOP/s.
    public struct Result: Sendable {
        public var m: Int
        public var n: Int
        public var k: Int
        public var threads: Int
        public var mode: Mode
        public var gigaFLOPsPerSecond: [Double]

        /// The median of the repeats.
        public var median: Double { gigaFLOPsPerSecond.median }

        /// The best repeat.
        public var best: Double { gigaFLOPsPerSecond.max() ?? 0 }
    }

    /// Times `repeats` products of random matrices after one warm-up; each repeat runs the product enough times
    /// to last at least `minimumSeconds`.
    public static func measure(m: Int, n: Int, k: Int, threads: Int, mode: Mode, repeats: Int = 5,
                               minimumSeconds: Double = 0.2) throws -> Result {
        let engine = CPUEngine(threads: threads)
        let a = try engine.makeTensor([m, k], label: "A")
        let b = try engine.makeTensor([k, n], label: "B")
        let c = try engine.makeTensor([m, n], label: "C")
        for (index, tensor) in [a, b].enumerated() {
            let pointer = try engine.cpu(tensor).pointer
            var state = UInt32(index + 1) &* 2_654_435_761
            for i in 0..<tensor.count {
                state = state &* 1_664_525 &+ 1_013_904_223
                pointer[i] = Float(state >> 8) / Float(1 << 24) - 0.5
            }
        }
        func product() throws {
            switch mode {
            case .blas:
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                            try engine.cpu(a).pointer, Int32(k), try engine.cpu(b).pointer, Int32(n), 0,
                            try engine.cpu(c).pointer, Int32(n))
            case .engine:
                try engine.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                a: a, aOffset: 0, lda: k, b: b, bOffset: 0, ldb: n, beta: 0, c: c, cOffset: 0,
                                ldc: n)
            }
        }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        // The engine leaves OpenBLAS single-threaded unless told otherwise; the blas mode wants its pool.
        if mode == .blas { openblas_set_num_threads(Int32(engine.threads)) }
        defer { openblas_set_num_threads(Int32(engine.useOpenBLASThreads ? engine.threads : 1)) }
        let rates = try BenchmarkTiming.rates(repeats: repeats, minimumSeconds: minimumSeconds,
                                              workPerRun: flops / 1e9, product)
        return Result(m: m, n: n, k: k, threads: engine.threads, mode: mode, gigaFLOPsPerSecond: rates)
    }
}

extension CPUEngine {
    /// Allocates a tensor of `dimensions` (benchmarks and tests).
    func makeTensor(_ dimensions: [Int], label: String) throws -> CPUTensor {
        try CPUTensor(shape: Shape(dimensions), label: label, device: "cpu")
    }
}
