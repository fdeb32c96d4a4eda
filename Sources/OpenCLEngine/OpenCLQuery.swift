import Foundation
import COpenCL
import Engine

/// Enumerates platforms and devices and reads their `clGet*Info` properties.
enum OpenCLQuery {
    /// One device found by enumeration, with the handles needed to open it.
    struct Handle {
        let platform: cl_platform_id
        let device: cl_device_id
        let info: OpenCLDeviceInfo
    }

    /// Every device of every platform, platforms in order, then devices in order.
    static func handles() throws -> [Handle] {
        var handles: [Handle] = []
        for platform in try platforms() {
            for device in try devices(of: platform) {
                handles.append(Handle(platform: platform, device: device,
                                      info: try info(platform: platform, device: device, index: handles.count)))
            }
        }
        return handles
    }

    /// `CL_PLATFORM_NOT_FOUND_KHR` (cl_ext.h): the ICD loader found no platform.
    private static let platformNotFound: cl_int = -1001

    private static let noPlatform = "no OpenCL platform found (is an ICD such as pocl-opencl-icd installed?)"

    private static func platforms() throws -> [cl_platform_id] {
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        if status == platformNotFound || (status == CL_SUCCESS && count == 0) {
            throw EngineError.noSuchDevice(noPlatform)
        }
        try OpenCLStatus.check(status, "clGetPlatformIDs")
        var ids = [cl_platform_id?](repeating: nil, count: Int(count))
        try OpenCLStatus.check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
        return ids.compactMap { $0 }
    }

    private static func devices(of platform: cl_platform_id) throws -> [cl_device_id] {
        let all = cl_device_type(CL_DEVICE_TYPE_ALL)
        var count: cl_uint = 0
        let status = clGetDeviceIDs(platform, all, 0, nil, &count)
        if status == CL_DEVICE_NOT_FOUND { return [] }
        try OpenCLStatus.check(status, "clGetDeviceIDs")
        var ids = [cl_device_id?](repeating: nil, count: Int(count))
        try OpenCLStatus.check(clGetDeviceIDs(platform, all, count, &ids, nil), "clGetDeviceIDs")
        return ids.compactMap { $0 }
    }

    private static func info(platform: cl_platform_id, device: cl_device_id, index: Int) throws -> OpenCLDeviceInfo {
        let typeBits = try deviceValue(device, CL_DEVICE_TYPE, as: cl_device_type.self)
        let type: OpenCLDeviceType =
            typeBits & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 ? .gpu
            : typeBits & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 ? .cpu
            : typeBits & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 ? .accelerator : .other
        let extensions = try deviceString(device, CL_DEVICE_EXTENSIONS).split(separator: " ")
        let doubleConfig = try deviceValue(device, CL_DEVICE_DOUBLE_FP_CONFIG, as: cl_device_fp_config.self)
        return OpenCLDeviceInfo(
            index: index,
            platformName: try platformString(platform, CL_PLATFORM_NAME),
            platformVendor: try platformString(platform, CL_PLATFORM_VENDOR),
            platformVersion: try platformString(platform, CL_PLATFORM_VERSION),
            name: try deviceString(device, CL_DEVICE_NAME),
            vendor: try deviceString(device, CL_DEVICE_VENDOR),
            type: type,
            computeUnits: Int(try deviceValue(device, CL_DEVICE_MAX_COMPUTE_UNITS, as: cl_uint.self)),
            maxClockMHz: Int(try deviceValue(device, CL_DEVICE_MAX_CLOCK_FREQUENCY, as: cl_uint.self)),
            globalMemoryBytes: Int(try deviceValue(device, CL_DEVICE_GLOBAL_MEM_SIZE, as: cl_ulong.self)),
            localMemoryBytes: Int(try deviceValue(device, CL_DEVICE_LOCAL_MEM_SIZE, as: cl_ulong.self)),
            maxAllocationBytes: Int(try deviceValue(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, as: cl_ulong.self)),
            maxWorkGroupSize: try deviceValue(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, as: Int.self),
            openCLCVersion: try deviceString(device, CL_DEVICE_OPENCL_C_VERSION),
            supportsFP16: extensions.contains("cl_khr_fp16"),
            supportsFP64: doubleConfig != 0 || extensions.contains("cl_khr_fp64"))
    }

    /// A fixed-size device property such as `CL_DEVICE_MAX_COMPUTE_UNITS`.
    static func deviceValue<T: BinaryInteger>(_ device: cl_device_id, _ parameter: Int32, as: T.Type) throws -> T {
        var value: T = 0
        let status = withUnsafeMutableBytes(of: &value) {
            clGetDeviceInfo(device, cl_device_info(parameter), $0.count, $0.baseAddress, nil)
        }
        try OpenCLStatus.check(status, "clGetDeviceInfo(\(parameter))")
        return value
    }

    /// A string device property such as `CL_DEVICE_NAME`, without its terminating NUL and outer blanks.
    static func deviceString(_ device: cl_device_id, _ parameter: Int32) throws -> String {
        try string("clGetDeviceInfo(\(parameter))") { clGetDeviceInfo(device, cl_device_info(parameter), $0, $1, $2) }
    }

    private static func platformString(_ platform: cl_platform_id, _ parameter: Int32) throws -> String {
        try string("clGetPlatformInfo(\(parameter))") {
            clGetPlatformInfo(platform, cl_platform_info(parameter), $0, $1, $2)
        }
    }

    /// A `clGet*Info` call with its object and parameter bound: `(size, value, sizeReturned)`.
    typealias InfoQuery = (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int

    /// Runs a size query, then the read, of a `char[]` property.
    static func string(_ call: String, _ query: InfoQuery) throws -> String {
        var size = 0
        try OpenCLStatus.check(query(0, nil, &size), call)
        var bytes = [UInt8](repeating: 0, count: max(size, 1))
        try OpenCLStatus.check(bytes.withUnsafeMutableBytes { query($0.count, $0.baseAddress, nil) }, call)
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
