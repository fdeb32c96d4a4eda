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

/// A 3-D range of work-items: image kernels take `x` = position in the plane, `y` = channel, `z` = image, so
/// they need no per-element integer division (which CPU devices cannot vectorise).
struct Grid {
    var x: Int
    var y: Int
    var z: Int
}

extension OpenCLEngine {
    /// Enqueues `kernel` with one work-item per element of `items`: the global size is rounded up to the
    /// work-group size and every kernel bounds-checks its id.
    func launch(_ kernelName: String, items: Int, _ arguments: [KernelArgument]) throws {
        guard items > 0 else { return }
        let kernel = try kernels.kernel(kernelName)
        let groups = (items + kernel.workGroupSize - 1) / kernel.workGroupSize
        try enqueue(kernel, arguments, local: [kernel.workGroupSize],
                    ranges: [(offset: [0], global: [groups * kernel.workGroupSize])])
    }

    /// Enqueues `groups` whole work-groups of `kernel` (reductions: one group per channel, row or segment).
    func launch(_ kernelName: String, groups: Int, _ arguments: [KernelArgument]) throws {
        guard groups > 0 else { return }
        let kernel = try kernels.kernel(kernelName)
        try enqueue(kernel, arguments, local: [kernel.workGroupSize],
                    ranges: [(offset: [0], global: [groups * kernel.workGroupSize])])
    }

    /// Enqueues `kernel` over `grid`. A work-group spans `x`, and `y` too when `x` is short; `x` and `y` are
    /// rounded up to whole groups (the kernels bounds-check both), `z` is exact. Past 65,535 groups along `y`
    /// or `z` (a common driver limit) the grid is split into launches with global offsets.
    func launch(_ kernelName: String, grid: Grid, _ arguments: [KernelArgument]) throws {
        guard grid.x > 0, grid.y > 0, grid.z > 0 else { return }
        let kernel = try kernels.kernel(kernelName)
        let localX = min(kernel.workGroupSize, Self.powerOfTwo(atLeast: grid.x))
        let localY = min(kernel.workGroupSize / localX, kernel.maxLocalY, Self.powerOfTwo(atLeast: grid.y))
        let globalX = (grid.x + localX - 1) / localX * localX
        let globalY = (grid.y + localY - 1) / localY * localY
        let (chunkY, chunkZ) = (Self.maxGroupsPerDimension * localY, Self.maxGroupsPerDimension)
        var ranges: [(offset: [Int], global: [Int])] = []
        for y in stride(from: 0, to: globalY, by: chunkY) {
            for z in stride(from: 0, to: grid.z, by: chunkZ) {
                ranges.append((offset: [0, y, z], global: [globalX, min(chunkY, globalY - y), min(chunkZ, grid.z - z)]))
            }
        }
        try enqueue(kernel, arguments, local: [localX, localY, 1], ranges: ranges)
    }

    /// The work-group size `kernelName` launches with.
    func workGroupSize(of kernelName: String) throws -> Int {
        try kernels.kernel(kernelName).workGroupSize
    }

    /// CUDA-based drivers cap the groups of a launch at 65,535 along the second and third dimensions.
    private static let maxGroupsPerDimension = 65_535

    private static func powerOfTwo(atLeast value: Int) -> Int {
        var power = 1
        while power < value { power *= 2 }
        return power
    }

    /// Sets the arguments, then enqueues each range, as one step under the lock.
    private func enqueue(_ kernel: OpenCLKernel, _ arguments: [KernelArgument], local: [Int],
                         ranges: [(offset: [Int], global: [Int])]) throws {
        try lock.withLock {
            for (index, argument) in arguments.enumerated() {
                let status = Self.set(argument, at: cl_uint(index), of: kernel)
                try OpenCLStatus.check(status, "clSetKernelArg(\(kernel.name), \(index))")
            }
            for range in ranges {
                var (offset, global, local) = (range.offset, range.global, local)
                try OpenCLStatus.check(
                    clEnqueueNDRangeKernel(queue, kernel.kernel, cl_uint(global.count), &offset, &global, &local,
                                           0, nil, nil),
                    "clEnqueueNDRangeKernel(\(kernel.name), global \(global), local \(local))")
            }
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
