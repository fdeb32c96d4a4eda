import COpenCL
import Engine
import Foundation

/// The OpenCL engine: CLBlast for GEMM, the `.cl` kernels of `Kernels/` for every other op.
///
/// Programs are built once per engine. Ops are enqueued on one in-order queue and run asynchronously;
/// `download`, `softmaxCrossEntropy`, `sumOfSquares` and `synchronize` wait.
public final class OpenCLEngine: ComputeEngine, @unchecked Sendable {
    /// `"opencl:0 (pthread-skylake-avx512-Intel(R) Xeon(R) Processor, Portable Computing Language)"`.
    public let name: String
    /// The device this engine runs on.
    public let device: OpenCLDeviceInfo
    /// Host↔device copies made so far.
    public var transfers: TransferStatistics { lock.withLock { transferCounts } }

    let context: cl_context
    let queue: cl_command_queue
    let kernels: OpenCLProgram
    let deviceID: cl_device_id
    /// Guards kernel arguments (set then enqueued as one step) and the transfer counters.
    let lock = NSLock()
    var transferCounts = TransferStatistics()
    /// Small reduction buffers reused across calls (loss and sum-of-squares run every step), by purpose.
    var scratchTensors: [String: Tensor] = [:]

    /// Opens device `deviceIndex` of `OpenCLEngine.devices()` and builds the kernels (seconds on PoCL).
    public init(deviceIndex: Int = 0) throws {
        let handles = try OpenCLQuery.handles()
        guard handles.indices.contains(deviceIndex) else {
            let found = handles.map(\.info.label).joined(separator: ", ")
            let plural = handles.count == 1 ? "device" : "devices"
            throw EngineError.noSuchDevice(
                "no OpenCL device opencl:\(deviceIndex); \(handles.count) \(plural) found: \(found)")
        }
        let handle = handles[deviceIndex]
        device = handle.info
        deviceID = handle.device
        name = handle.info.label
        var status: cl_int = 0
        var target: cl_device_id? = handle.device
        let createdContext = clCreateContext(nil, 1, &target, nil, nil, &status)
        try OpenCLStatus.check(status, "clCreateContext(\(name))")
        guard let createdContext else { throw EngineError.callFailed(call: "clCreateContext", status: "no context") }
        do {
            let createdQueue = clCreateCommandQueue(createdContext, handle.device, 0, &status)
            try OpenCLStatus.check(status, "clCreateCommandQueue(\(name))")
            guard let createdQueue else {
                throw EngineError.callFailed(call: "clCreateCommandQueue", status: "no queue")
            }
            do {
                kernels = try OpenCLProgram(source: OpenCLKernelSource.program(), name: "dltrain kernels",
                                            context: createdContext, device: handle.device)
            } catch {
                clReleaseCommandQueue(createdQueue)
                throw error
            }
            queue = createdQueue
        } catch {
            clReleaseContext(createdContext)
            throw error
        }
        context = createdContext
    }

    deinit {
        clFinish(queue)
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    /// Every device of every platform, in the order `init(deviceIndex:)` counts them.
    public static func devices() throws -> [OpenCLDeviceInfo] {
        try OpenCLQuery.handles().map(\.info)
    }

    /// The first GPU's index (for `--device auto`), or nil when there is none or OpenCL is unavailable.
    public static func preferredDeviceIndex() -> Int? {
        (try? devices())?.first { $0.type == .gpu }?.index
    }

    /// Builds `source` into a program on this engine's device; errors carry the compiler's log.
    public func compileProgram(source: String, name: String) throws -> OpenCLProgram {
        try OpenCLProgram(source: source, name: name, context: context, device: deviceID)
    }

    public func synchronize() throws {
        try OpenCLStatus.check(clFinish(queue), "clFinish")
    }
}
