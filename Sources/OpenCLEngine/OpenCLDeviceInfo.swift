/// The kind of an OpenCL device, from `CL_DEVICE_TYPE`.
public enum OpenCLDeviceType: String, Hashable, Sendable, CustomStringConvertible {
    case gpu = "GPU"
    case cpu = "CPU"
    case accelerator = "accelerator"
    case other = "other"

    public var description: String { rawValue }
}

/// What `OpenCLEngine.devices()` reports about one device and its platform.
public struct OpenCLDeviceInfo: Hashable, Sendable, CustomStringConvertible {
    /// The index `OpenCLEngine(deviceIndex:)` takes: platforms in order, then their devices in order.
    public var index: Int
    public var platformName: String
    public var platformVendor: String
    public var platformVersion: String
    public var name: String
    public var vendor: String
    public var type: OpenCLDeviceType
    public var computeUnits: Int
    public var maxClockMHz: Int
    public var globalMemoryBytes: Int
    public var localMemoryBytes: Int
    /// The largest single buffer the device allocates (`CL_DEVICE_MAX_MEM_ALLOC_SIZE`).
    public var maxAllocationBytes: Int
    public var maxWorkGroupSize: Int
    /// `"OpenCL C 1.2 PoCL"`.
    public var openCLCVersion: String
    public var supportsFP16: Bool
    public var supportsFP64: Bool

    /// `"opencl:0"`.
    public var identifier: String { "opencl:\(index)" }

    /// `"opencl:0 (pthread-skylake…, Portable Computing Language)"`.
    public var label: String { "\(identifier) (\(name), \(platformName))" }

    /// One line with every field, for `dltrain devices`.
    public var description: String {
        let mib = 1 << 20
        return "\(label): \(type), \(vendor), \(computeUnits) compute units @ \(maxClockMHz) MHz, "
            + "\(globalMemoryBytes / mib) MiB global (max buffer \(maxAllocationBytes / mib) MiB), "
            + "\(localMemoryBytes / 1024) KiB local, work-group ≤ \(maxWorkGroupSize), \(openCLCVersion), "
            + "fp16 \(supportsFP16 ? "yes" : "no"), fp64 \(supportsFP64 ? "yes" : "no"); "
            + "platform \(platformVendor) \(platformVersion)"
    }
}
