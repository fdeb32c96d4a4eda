import CPUEngine
import Engine
import OpenCLEngine

/// The one place that constructs concrete engines; everything above it sees `ComputeEngine` only.
public enum EngineFactory {
    /// Builds the engine `selection` names (`auto` resolves to a GPU-type OpenCL device, else the CPU).
    public static func make(_ selection: DeviceSelection, threads: Int? = nil) throws -> ComputeEngine {
        switch resolve(selection) {
        case .cpu, .auto: return CPUEngine(threads: threads)
        case let .opencl(index): return try OpenCLEngine(deviceIndex: index)
        }
    }

    /// `auto` → the first GPU-type OpenCL device, or `cpu`; other selections unchanged.
    public static func resolve(_ selection: DeviceSelection) -> DeviceSelection {
        guard selection == .auto else { return selection }
        return OpenCLEngine.preferredDeviceIndex().map { .opencl(index: $0) } ?? .cpu
    }

    /// Every engine this machine can run: the CPU, then each OpenCL device (none when OpenCL is unavailable).
    public static func availableDevices() -> [DeviceSelection] {
        let openCL = (try? OpenCLEngine.devices()) ?? []
        return [.cpu] + openCL.map { .opencl(index: $0.index) }
    }

    /// What `dltrain devices` shows: the CPU engine, then every OpenCL platform and device (or why there are none).
    public static func deviceReport(threads: Int? = nil) -> DeviceReport {
        let cpu = CPUEngine(threads: threads)
        let cpuLine = "cpu: OpenBLAS core \(OpenBLASCore.coreName), \(cpu.threads) thread\(cpu.threads == 1 ? "" : "s") "
            + "(\(OpenBLASCore.configuration)); \(HugePages.summary)"
        do {
            return DeviceReport(cpu: cpuLine, openCL: try OpenCLEngine.devices().map(\.description), openCLError: nil)
        } catch {
            return DeviceReport(cpu: cpuLine, openCL: [], openCLError: "\(error)")
        }
    }
}

/// The engines of this machine, described for people.
public struct DeviceReport: Sendable {
    /// The CPU engine: BLAS core, threads, library configuration, huge pages.
    public var cpu: String
    /// One line per OpenCL device.
    public var openCL: [String]
    /// Why OpenCL devices could not be listed, when they could not.
    public var openCLError: String?
}
