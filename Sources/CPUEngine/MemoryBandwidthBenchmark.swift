import CVectorKernels
import Engine

/// The machine's memory bandwidth: GB/s of the CPU engine's threads reading a buffer larger than the caches
/// (`dltrain bench-memory`). With the SGEMM ceiling it gives a layer's roofline, max(FLOPs / ceiling, bytes moved /
/// bandwidth): a model of the least time a layer whose data comes from memory can take.
public enum MemoryBandwidthBenchmark {
    /// One measurement: every repeat's GB/s (10⁹ bytes per second).
    public struct Result: Sendable {
        public var bytes: Int
        public var threads: Int
        public var gigabytesPerSecond: [Double]
        /// The last sweep's sum of the buffer's ones: the number of floats it read.
        public var checksum: Double

        /// The median of the repeats.
        public var median: Double { gigabytesPerSecond.median }

        /// The best repeat.
        public var best: Double { gigabytesPerSecond.max() ?? 0 }
    }

    /// Floats summed per call of the kernel: few enough that the float sum of ones is exact.
    private static let block = 1 << 20

    /// Fills `bytes` (rounded down to whole floats) with ones and times `repeats` sweeps over all of it by the
    /// engine's threads after one warm-up sweep; each repeat sweeps enough times to last at least `minimumSeconds`.
    /// Every sweep's sum is checked against the count, so a sweep that skipped part of the buffer fails loudly.
    public static func measure(bytes: Int, threads: Int, repeats: Int = 5,
                               minimumSeconds: Double = 0.2) throws -> Result {
        let engine = CPUEngine(threads: threads)
        let count = bytes / MemoryLayout<Float>.stride
        guard count > 0 else { throw EngineError.invalidArgument("bench-memory needs at least one float") }
        let buffer = try engine.makeTensor([count], label: "bandwidth buffer")
        try engine.fill(buffer, with: 1)
        let data = try engine.cpu(buffer).data
        var checksum = 0.0
        func sweep() throws {
            checksum = engine.loop.sum(count, itemCost: 1) { range in
                var total = 0.0
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + block, range.upperBound)
                    total += Double(dl_sum_floats(data.base + start, end - start))
                    start = end
                }
                return total
            }
            guard checksum == Double(count) else {
                throw EngineError.callFailed(call: "bench-memory sweep", status: "summed \(checksum) of \(count) ones")
            }
        }
        let sweptBytes = count * MemoryLayout<Float>.stride
        let rates = try BenchmarkTiming.rates(repeats: repeats, minimumSeconds: minimumSeconds,
                                              workPerRun: Double(sweptBytes) / 1e9, sweep)
        return Result(bytes: sweptBytes, threads: engine.threads, gigabytesPerSecond: rates, checksum: checksum)
    }
}
