import CVectorKernels
import Dispatch
import Engine

/// The machine's memory bandwidth: GB/s of the CPU engine's threads reading a buffer far larger than the caches
/// (`dltrain bench-memory`). With the SGEMM ceiling it bounds each layer's time from below: a layer must do its
/// FLOPs and move its bytes, so it takes at least max(FLOPs / ceiling, bytes / bandwidth).
public enum MemoryBandwidthBenchmark {
    /// One measurement: every repeat's GB/s (10⁹ bytes per second).
    public struct Result: Sendable {
        public var bytes: Int
        public var threads: Int
        public var gigabytesPerSecond: [Double]

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
        func sweep() throws {
            let total = engine.loop.sum(count, itemCost: 1) { range in
                var total = 0.0
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + block, range.upperBound)
                    total += Double(dl_sum_floats(data.base + start, end - start))
                    start = end
                }
                return total
            }
            guard total == Double(count) else {
                throw EngineError.callFailed(call: "bench-memory sweep", status: "summed \(total) of \(count) ones")
            }
        }
        try sweep()
        var rates: [Double] = []
        for _ in 0..<max(repeats, 1) {
            var sweeps = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                try sweep()
                sweeps += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < minimumSeconds
            rates.append(Double(count * MemoryLayout<Float>.stride * sweeps) / elapsed / 1e9)
        }
        return Result(bytes: count * MemoryLayout<Float>.stride, threads: engine.threads, gigabytesPerSecond: rates)
    }
}
