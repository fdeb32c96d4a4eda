/// Failures an engine reports; each names what it was doing.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// A device or library call failed: the call's name and its status or message.
    case callFailed(call: String, status: String)
    /// Memory for a tensor could not be allocated on the device.
    case outOfMemory(tensor: String, bytes: Int, device: String)
    /// A requested device does not exist.
    case noSuchDevice(String)
    /// A kernel program did not compile; carries the compiler's log.
    case buildFailed(program: String, log: String)
    /// An argument broke an op's shape contract.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .callFailed(call, status): return "\(call) failed: \(status)"
        case let .outOfMemory(tensor, bytes, device):
            return "out of memory on \(device) allocating \(tensor) (\(bytes) bytes)"
        case let .noSuchDevice(message): return message
        case let .buildFailed(program, log): return "OpenCL program \(program) failed to build:\n\(log)"
        case let .invalidArgument(message): return message
        }
    }
}
