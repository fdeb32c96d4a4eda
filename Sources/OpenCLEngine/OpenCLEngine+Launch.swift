import COpenCL
import Engine

/// One kernel argument, set with `clSetKernelArg`.
enum KernelArgument {
    case buffer(cl_mem)
    case int(Int32)
    case float(Float)
    case ulong(UInt64)
    /// A `__local float*` scratch buffer with one float per work-item.
    case localScratch
}

extension OpenCLEngine {
    /// Enqueues `kernel` with one work-item per element of `items`: the global size is rounded up to the
    /// work-group size and every kernel bounds-checks its id.
    func launch(_ kernelName: String, items: Int, _ arguments: [KernelArgument]) throws {
        guard items > 0 else { return }
        let kernel = try kernels.kernel(kernelName)
        let groups = (items + kernel.workGroupSize - 1) / kernel.workGroupSize
        try enqueue(kernel, groups: groups, arguments)
    }

    /// Enqueues `groups` whole work-groups of `kernel` (reductions: one group per channel, row or segment).
    func launch(_ kernelName: String, groups: Int, _ arguments: [KernelArgument]) throws {
        guard groups > 0 else { return }
        try enqueue(try kernels.kernel(kernelName), groups: groups, arguments)
    }

    /// The work-group size `kernelName` launches with.
    func workGroupSize(of kernelName: String) throws -> Int {
        try kernels.kernel(kernelName).workGroupSize
    }

    private func enqueue(_ kernel: OpenCLKernel, groups: Int, _ arguments: [KernelArgument]) throws {
        try lock.withLock {
            for (index, argument) in arguments.enumerated() {
                let status = Self.set(argument, at: cl_uint(index), of: kernel)
                try OpenCLStatus.check(status, "clSetKernelArg(\(kernel.name), \(index))")
            }
            var global = groups * kernel.workGroupSize
            var local = kernel.workGroupSize
            try OpenCLStatus.check(clEnqueueNDRangeKernel(queue, kernel.kernel, 1, nil, &global, &local, 0, nil, nil),
                                   "clEnqueueNDRangeKernel(\(kernel.name))")
        }
    }

    private static func set(_ argument: KernelArgument, at index: cl_uint, of kernel: OpenCLKernel) -> cl_int {
        switch argument {
        case var .buffer(memory):
            return clSetKernelArg(kernel.kernel, index, MemoryLayout<cl_mem>.size, &memory)
        case var .int(value):
            return clSetKernelArg(kernel.kernel, index, MemoryLayout<Int32>.size, &value)
        case var .float(value):
            return clSetKernelArg(kernel.kernel, index, MemoryLayout<Float>.size, &value)
        case var .ulong(value):
            return clSetKernelArg(kernel.kernel, index, MemoryLayout<UInt64>.size, &value)
        case .localScratch:
            return clSetKernelArg(kernel.kernel, index, kernel.workGroupSize * MemoryLayout<Float>.size, nil)
        }
    }

    /// `tensor`'s buffer after checking it belongs to this engine and holds at least `count` floats.
    func buffer(_ tensor: Tensor, atLeast count: Int, _ role: String) throws -> KernelArgument {
        .buffer(try memory(tensor, atLeast: count, role))
    }

    /// The raw `cl_mem` of `tensor`, checked as `buffer(_:atLeast:_:)` does.
    func memory(_ tensor: Tensor, atLeast count: Int, _ role: String) throws -> cl_mem {
        guard let tensor = tensor as? OpenCLTensor, tensor.context == context else {
            throw EngineError.invalidArgument("\(role): the tensor does not belong to \(name)")
        }
        guard tensor.count >= count else {
            throw EngineError.invalidArgument(
                "\(role): \(tensor.label) holds \(tensor.count) floats (\(tensor.shape)), the op needs \(count)")
        }
        return tensor.buffer
    }

    /// `value` as a kernel `int`; sizes past 2³¹ − 1 are rejected rather than wrapped.
    func int(_ value: Int, _ role: String) throws -> KernelArgument {
        guard let narrow = Int32(exactly: value) else {
            throw EngineError.invalidArgument("\(role) = \(value) does not fit the kernels' 32-bit indices")
        }
        return .int(narrow)
    }
}
