import ArgumentParser
import Foundation

/// The options `bench-gemm` and `bench-memory` share.
struct BenchOptions: ParsableArguments {
    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Timed repeats (each at least 0.2 s).")
    var repeats = 5

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The threads to measure on.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Prints `object` as one line of JSON with sorted keys.
    func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
