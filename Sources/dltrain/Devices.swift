import ArgumentParser
import EngineFactory

/// `dltrain devices`: the CPU engine and every OpenCL platform and device.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the engines this machine can train on.")

    @Option(help: "CPU engine threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let report = EngineFactory.deviceReport(threads: threads)
        print(report.cpu)
        if let note = ProcessSetup.blasNote { print("  note: \(note)") }
        if let error = report.openCLError {
            print("opencl: unavailable: \(error)")
        }
        for line in report.openCL { print(line) }
    }
}
