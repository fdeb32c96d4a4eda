/// Which engine a command runs on: `cpu`, `opencl`, `opencl:N` or `auto`.
public enum DeviceSelection: Hashable, Sendable, CustomStringConvertible {
    /// The BLAS CPU engine.
    case cpu
    /// The OpenCL device with this index (platforms in order, then devices).
    case opencl(index: Int)
    /// An OpenCL device of GPU type when one exists, else the CPU engine.
    case auto

    /// Parses `"cpu"`, `"opencl"` (device 0), `"opencl:N"` or `"auto"`.
    public init(parsing text: String) throws {
        switch text {
        case "cpu": self = .cpu
        case "auto": self = .auto
        case "opencl": self = .opencl(index: 0)
        default:
            guard text.hasPrefix("opencl:"), let index = Int(text.dropFirst("opencl:".count)), index >= 0 else {
                throw DeviceSelectionError(text: text)
            }
            self = .opencl(index: index)
        }
    }

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .auto: return "auto"
        case let .opencl(index): return "opencl:\(index)"
        }
    }
}

/// A `--device` value that names no engine.
public struct DeviceSelectionError: Error, CustomStringConvertible {
    /// What the user wrote.
    public let text: String

    public var description: String {
        "unknown device \"\(text)\": expected cpu, opencl, opencl:N or auto (see `dltrain devices`)"
    }
}
