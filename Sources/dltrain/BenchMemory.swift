import ArgumentParser
import CPUEngine
import Foundation

/// `dltrain bench-memory`: the machine's memory bandwidth, the other yardstick for compare-devices' per-layer times.
struct BenchMemory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-memory",
        abstract: "Measure the memory bandwidth (GB/s the CPU engine's threads read from a buffer beyond the caches).",
        discussion: "Sums a buffer of ones (default 1024 MiB, larger than typical last-level caches) on the CPU "
            + "engine's threads after a warm-up sweep and prints the median and best GB/s (10⁹ bytes/s) of the "
            + "repeats. With the SGEMM ceiling it gives a layer's roofline, max(FLOPs / ceiling, bytes moved / "
            + "bandwidth), which scripts/bench.sh reports each conv and dense layer against.")

    @Option(help: "Buffer size in MiB (2²⁰ bytes).")
    var mib = 1024

    @OptionGroup var options: BenchOptions

    func validate() throws {
        if mib < 1 { throw ValidationError("--mib must be at least 1") }
    }

    func run() throws {
        let result = try MemoryBandwidthBenchmark.measure(bytes: mib << 20, threads: options.threadCount,
                                                          repeats: options.repeats)
        if options.json {
            try options.printJSON([
                "bytes": result.bytes, "threads": result.threads, "median_gbps": result.median,
                "best_gbps": result.best, "repeats_gbps": result.gigabytesPerSecond,
            ])
        } else {
            print(String(format: "memory read %d MiB, %d thread%@: median %.1f GB/s, best %.1f", mib,
                         result.threads, result.threads == 1 ? "" : "s", result.median, result.best))
        }
    }
}
