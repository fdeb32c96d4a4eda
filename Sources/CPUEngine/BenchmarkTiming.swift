import Dispatch

/// The timing loop the benchmarks share.
enum BenchmarkTiming {
    /// Runs `body` once to warm up, then `repeats` times (at least once) as many runs as last `minimumSeconds`;
    /// returns each repeat's rate, `workPerRun` × runs / seconds.
    static func rates(repeats: Int, minimumSeconds: Double, workPerRun: Double,
                      _ body: () throws -> Void) rethrows -> [Double] {
        try body()
        var rates: [Double] = []
        for _ in 0..<max(repeats, 1) {
            var runs = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                try body()
                runs += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < minimumSeconds
            rates.append(workPerRun * Double(runs) / elapsed)
        }
        return rates
    }
}
