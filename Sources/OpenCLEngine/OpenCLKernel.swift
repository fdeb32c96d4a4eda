import COpenCL
import Engine

/// One kernel of a built program with the work-group size it launches with.
struct OpenCLKernel {
    let kernel: cl_kernel
    /// The function name in the `.cl` source.
    let name: String
    /// A power of two within the kernel's and the device's limits (at most 256): every launch uses it, so
    /// reductions in local memory can halve it.
    let workGroupSize: Int
    /// The largest power of two a work-group may span along its second dimension.
    let maxLocalY: Int

    init(_ kernel: cl_kernel, device: cl_device_id) throws {
        self.kernel = kernel
        name = try OpenCLQuery.string("clGetKernelInfo(CL_KERNEL_FUNCTION_NAME)") {
            clGetKernelInfo(kernel, cl_kernel_info(CL_KERNEL_FUNCTION_NAME), $0, $1, $2)
        }
        var kernelLimit = 0
        try OpenCLStatus.check(
            clGetKernelWorkGroupInfo(kernel, device, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE),
                                     MemoryLayout<Int>.size, &kernelLimit, nil),
            "clGetKernelWorkGroupInfo(\(name))")
        var itemSizes = [Int](repeating: 0, count: 3)
        try OpenCLStatus.check(
            clGetDeviceInfo(device, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES),
                            itemSizes.count * MemoryLayout<Int>.size, &itemSizes, nil),
            "clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES)")
        workGroupSize = Self.powerOfTwo(atMost: min(256, kernelLimit, itemSizes[0]))
        maxLocalY = Self.powerOfTwo(atMost: itemSizes[1])
    }

    private static func powerOfTwo(atMost limit: Int) -> Int {
        var size = 1
        while size * 2 <= limit { size *= 2 }
        return size
    }
}
