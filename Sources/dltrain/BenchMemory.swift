import ArgumentParser
import CPUEngine
import Foundation

/// `dltrain bench-memory`: the machine's memory bandwidth, the other yardstick for compare-devices' per-layer times.
struct BenchMemory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-memory",
        abstract: "Measure the memory bandwidth (GB/s the CPU engine's threads read from a buffer beyond the caches).",
        discussion: "Sums a buffer of ones (default 1024 MiB, several times this machine's last-level cache) on "
            + "the CPU engine's threads after a warm-up sweep and prints the median and best GB/s (10⁹ bytes/s) "
            + "of the repeats. A layer of a net takes at least max(FLOPs / SGEMM ceiling, bytes moved / this "
            + "bandwidth); scripts/bench.sh reports each layer against that bound.")

    @Option(help: "Buffer size in MiB.")
    var megabytes = 1024

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Timed repeats (each at least 0.2 s).")
    var repeats = 5

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if megabytes < 1 { throw ValidationError("--megabytes must be at least 1") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let result = try MemoryBandwidthBenchmark.measure(
            bytes: megabytes << 20, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            repeats: repeats)
        if json {
            let object: [String: Any] = [
                "bytes": result.bytes, "threads": result.threads, "median_gbps": result.median,
                "best_gbps": result.best, "repeats_gbps": result.gigabytesPerSecond,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "memory read %d MiB, %d thread%@: median %.1f GB/s, best %.1f", megabytes,
                         result.threads, result.threads == 1 ? "" : "s", result.median, result.best))
        }
    }
}
