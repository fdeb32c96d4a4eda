#include "CVectorKernels.h"

#include "vector_support.h"

DL_MULTIVERSION float dl_sum_floats(const float *values, size_t count) {
    // Eight independent vector sums: enough loads in flight that one core reads at the speed of memory.
    dl_vector s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
    size_t i = 0;
    for (; i + 128 <= count; i += 128) {
        s0 += LOAD_VECTOR(values + i);
        s1 += LOAD_VECTOR(values + i + 16);
        s2 += LOAD_VECTOR(values + i + 32);
        s3 += LOAD_VECTOR(values + i + 48);
        s4 += LOAD_VECTOR(values + i + 64);
        s5 += LOAD_VECTOR(values + i + 80);
        s6 += LOAD_VECTOR(values + i + 96);
        s7 += LOAD_VECTOR(values + i + 112);
    }
    for (; i + 16 <= count; i += 16) s0 += LOAD_VECTOR(values + i);
    dl_vector lanes = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    float total = 0;
    for (int lane = 0; lane < 16; lane++) total += lanes[lane];
    for (; i < count; i++) total += values[i];
    return total;
}
