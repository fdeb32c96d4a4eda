import COpenCL
import Engine

/// A built OpenCL program and every kernel in it, created once and cached by name.
public final class OpenCLProgram: @unchecked Sendable {
    /// The name errors use for this program.
    public let name: String
    /// The names of the kernels the program defines.
    public var kernelNames: [String] { kernels.keys.sorted() }

    let program: cl_program
    private let kernels: [String: OpenCLKernel]

    /// Compiles `source` for `device`; a compiler error throws `EngineError.buildFailed` with the build log.
    init(source: String, name: String, context: cl_context, device: cl_device_id) throws {
        self.name = name
        var status: cl_int = 0
        let created: cl_program? = source.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            return clCreateProgramWithSource(context, 1, &pointer, nil, &status)
        }
        try OpenCLStatus.check(status, "clCreateProgramWithSource(\(name))")
        guard let created else {
            throw EngineError.callFailed(call: "clCreateProgramWithSource(\(name))", status: "no program")
        }
        program = created
        do {
            try Self.build(created, name: name, device: device)
            kernels = try Self.createKernels(created, name: name, device: device)
        } catch {
            clReleaseProgram(created)
            throw error
        }
    }

    deinit {
        for kernel in kernels.values { clReleaseKernel(kernel.kernel) }
        clReleaseProgram(program)
    }

    /// The cached kernel `name`.
    func kernel(_ kernelName: String) throws -> OpenCLKernel {
        guard let kernel = kernels[kernelName] else {
            throw EngineError.callFailed(call: "kernel \(kernelName) in \(name)",
                                         status: "CL_INVALID_KERNEL_NAME (-46)")
        }
        return kernel
    }

    private static func build(_ program: cl_program, name: String, device: cl_device_id) throws {
        var target: cl_device_id? = device
        let status = clBuildProgram(program, 1, &target, "-cl-std=CL1.2", nil, nil)
        if status == CL_BUILD_PROGRAM_FAILURE {
            let log = (try? OpenCLQuery.string("clGetProgramBuildInfo(\(name))") {
                clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), $0, $1, $2)
            }) ?? "(no build log)"
            throw EngineError.buildFailed(program: name, log: log)
        }
        try OpenCLStatus.check(status, "clBuildProgram(\(name))")
    }

    private static func createKernels(_ program: cl_program, name: String,
                                      device: cl_device_id) throws -> [String: OpenCLKernel] {
        var count: cl_uint = 0
        try OpenCLStatus.check(clCreateKernelsInProgram(program, 0, nil, &count), "clCreateKernelsInProgram(\(name))")
        var handles = [cl_kernel?](repeating: nil, count: Int(count))
        try OpenCLStatus.check(clCreateKernelsInProgram(program, count, &handles, nil),
                               "clCreateKernelsInProgram(\(name))")
        var kernels: [String: OpenCLKernel] = [:]
        do {
            for case let handle? in handles {
                let kernel = try OpenCLKernel(handle, device: device)
                kernels[kernel.name] = kernel
            }
        } catch {
            for case let handle? in handles { clReleaseKernel(handle) }
            throw error
        }
        return kernels
    }
}
