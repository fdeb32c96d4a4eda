import ArgumentParser
import DLTrainKit
import Engine
import EngineFactory

/// `--device` and `--threads`, shared by every command that runs a network.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: "cpu, opencl, opencl:N or auto (default: cpu; for train, the config's \"device\" if set).")
    var device: String?

    @Option(help: "CPU engine threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The engine the flag (or else the config's `device`, else `cpu`) names.
    func makeEngine(configDevice: String? = nil) throws -> ComputeEngine {
        let selection = try DeviceSelection(parsing: device ?? configDevice ?? "cpu")
        return try EngineFactory.make(selection, threads: threads)
    }
}
