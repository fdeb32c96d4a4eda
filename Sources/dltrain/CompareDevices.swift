import ArgumentParser
import DLTrainKit
import Engine
import EngineFactory
import Foundation

/// `dltrain compare-devices [config]`: the same network on every engine, timed and cross-checked.
struct CompareDevices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-devices",
        abstract: "Time the same network on every engine and check that they agree.",
        discussion: "For each engine: warm-up, then synchronised training iterations on a random batch from the same "
            + "initial weights. Reports per-layer forward/backward milliseconds and GFLOP/s, training and "
            + "inference images/s, speed-up over the first engine, the projected time of the config's whole "
            + "training run, and the largest relative difference from the first engine in logits, loss and "
            + "every gradient.")

    @Argument(help: "A JSON config (default: the built-in Fashion-MNIST net of configs/fashion-mnist.json).")
    var config: String?

    @Option(help: "Timed training iterations per engine.")
    var iterations = 10

    @Option(help: "Warm-up iterations per engine (kernel compilation, caches).")
    var warmup = 2

    @Option(help: "Batch size (default: the config's).")
    var batch: Int?

    @Option(help: "Comma-separated engines, e.g. cpu,opencl:0 (default: every engine found).")
    var devices: String?

    @Option(help: "CPU engine threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Print the report as one JSON document.")
    var json = false

    func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let loaded = try config.map { try Config.load(from: URL(fileURLWithPath: $0)) } ?? Config.fashionMNIST()
        let selections = try devices.map { list in
            try list.split(separator: ",").map { try DeviceSelection(parsing: String($0)) }
        } ?? EngineFactory.availableDevices()
        var engines: [ComputeEngine] = []
        var unavailable: [String: String] = [:]
        for selection in selections {
            do {
                engines.append(try EngineFactory.make(selection, threads: threads))
            } catch {
                unavailable[selection.description] = "\(error)"
            }
        }
        guard !engines.isEmpty else {
            throw ValidationError("no engine could be created: "
                                  + unavailable.map { "\($0): \($1)" }.joined(separator: "; "))
        }
        let comparison = try DeviceComparison(
            config: loaded, options: .init(iterations: iterations, warmupIterations: warmup, batch: batch))
        let report = try comparison.run(engines: engines, unavailable: unavailable)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table())
        }
    }
}
