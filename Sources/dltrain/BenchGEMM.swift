import ArgumentParser
import CPUEngine
import EngineFactory
import Foundation

/// `dltrain bench-gemm`: the machine's SGEMM ceiling, the yardstick for compare-devices' per-layer GFLOP/s.
struct BenchGEMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-gemm",
        abstract: "Measure the SGEMM ceiling (GFLOP/s of a large cblas_sgemm) on the CPU engine's threads.",
        discussion: "Times C = A·B (m×k · k×n, row-major float32) after a warm-up and prints the median and best "
            + "GFLOP/s of the repeats. --mode blas makes one OpenBLAS call with OpenBLAS's own threads; --mode "
            + "engine goes through the CPU engine's gemm, which splits the product over its own threads.")

    @Option(help: "Rows of A and C.")
    var m = 1024

    @Option(help: "Columns of B and C.")
    var n = 1024

    @Option(help: "The inner dimension.")
    var k = 1024

    @Option(help: "blas or engine.")
    var mode = "blas"

    @OptionGroup var options: BenchOptions

    func validate() throws {
        if m < 1 || n < 1 || k < 1 { throw ValidationError("--m, --n and --k must be at least 1") }
        if SGEMMBenchmark.Mode(rawValue: mode) == nil { throw ValidationError("--mode must be blas or engine") }
    }

    func run() throws {
        let result = try SGEMMBenchmark.measure(m: m, n: n, k: k, threads: options.threadCount,
                                                mode: SGEMMBenchmark.Mode(rawValue: mode)!, repeats: options.repeats)
        if options.json {
            try options.printJSON([
                "m": m, "n": n, "k": k, "threads": result.threads, "mode": mode, "core": OpenBLASCore.coreName,
                "median_gflops": result.median, "best_gflops": result.best,
                "repeats_gflops": result.gigaFLOPsPerSecond,
            ])
        } else {
            print(String(format: "sgemm %d×%d×%d, %d thread%@, %@ (%@): median %.1f GFLOP/s, best %.1f",
                         m, n, k, result.threads, result.threads == 1 ? "" : "s", mode, OpenBLASCore.coreName,
                         result.median, result.best))
        }
    }
}
