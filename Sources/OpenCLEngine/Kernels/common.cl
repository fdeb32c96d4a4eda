// Helpers shared by every dltrain kernel; OpenCLKernelSource puts this file first.
// Every kernel launches a 1-D range rounded up to its work-group size (a power of two) and bounds-checks its id.

// Sums `value` over the work-group and returns the total to every work-item. Every work-item must call it.
float group_sum(__local float* scratch, float value) {
    const int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int offset = get_local_size(0) / 2; offset > 0; offset /= 2) {
        if (lid < offset) {
            scratch[lid] += scratch[lid + offset];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

// `tensor[i] = value`.
__kernel void fill(__global float* tensor, int count, float value) {
    const int i = get_global_id(0);
    if (i < count) {
        tensor[i] = value;
    }
}
