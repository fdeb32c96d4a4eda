// The last step of a split-K GEMM (OpenCLEngine.gemm): each slice of k left its product in `slices`, one
// rows × columns plane after another. c[row, col] = Σ_s slices[s][row, col], plus beta · c[row, col] when beta ≠ 0
// (beta = 0 overwrites c, NaN included, as BLAS does). 2-D range: x = column, y = row.
__kernel void sum_gemm_slices(__global const float* slices, int sliceCount, int rows, int columns, float beta,
                              __global float* c, int cOffset, int ldc) {
    const int column = get_global_id(0);
    const int row = get_global_id(1);
    if (column >= columns || row >= rows) {
        return;
    }
    const int plane = rows * columns;
    float sum = 0.0f;
    for (int s = 0; s < sliceCount; ++s) {
        sum += slices[s * plane + row * columns + column];
    }
    __global float* target = c + cOffset + row * ldc + column;
    *target = beta == 0.0f ? sum : sum + beta * *target;
}
