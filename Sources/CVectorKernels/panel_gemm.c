#include "CVectorKernels.h"

#include "vector_support.h"

/// C[i, t ..< t + 16·vecs] for `rows` (at most DL_PANEL_ROWS) rows of A (`vecs` a constant after inlining): one
/// accumulator per row and vector, each step a row of B (`vecs` loads) against A's column (one broadcast per row).
/// A[r, k] is A[r·rowStride + k·depthStride]; rows of a partial block repeat the last one, and only `rows` are
/// stored. Lanes past `columns` are computed from whatever B holds there and never stored.
static inline __attribute__((always_inline)) void gemm_block(int vecs, int rows, int depth, int columns, int t,
                                                             const float *A, ptrdiff_t rowStride,
                                                             ptrdiff_t depthStride, const float *B, ptrdiff_t ldb,
                                                             float *C, ptrdiff_t ldc) {
    const float *a[DL_PANEL_ROWS];
    for (int r = 0; r < DL_PANEL_ROWS; r++) a[r] = A + (r < rows ? r : rows - 1) * rowStride;
    dl_vector sums[DL_PANEL_ROWS][4];
    for (int r = 0; r < DL_PANEL_ROWS; r++)
        for (int u = 0; u < vecs; u++) sums[r][u] = (dl_vector){0};
    const float *b = B + t;
    for (ptrdiff_t k = 0; k < depth; k++, b += ldb) {
        dl_vector x[4];
        for (int u = 0; u < vecs; u++) x[u] = LOAD_VECTOR(b + 16 * u);
        for (int r = 0; r < DL_PANEL_ROWS; r++) {
            float scale = a[r][k * depthStride];
            for (int u = 0; u < vecs; u++) sums[r][u] += scale * x[u];
        }
    }
    for (int r = 0; r < rows; r++)
        for (int u = 0; u < vecs; u++) {
            float *out = C + r * ldc + t + 16 * u;
            int left = columns - t - 16 * u;
            if (left >= 16) {
                STORE_VECTOR(out, sums[r][u]);
            } else {
                float last[16];
                STORE_VECTOR(last, sums[r][u]);
                for (int l = 0; l < left; l++) out[l] = last[l];
            }
        }
}

/// C = A·B by blocks of DL_PANEL_ROWS rows, each over all of C's columns 64 at a time (the widest block). With 32
/// vector registers (the x86-64-v4 clone) a block holds four vectors (24 accumulators); with 16 (AVX2, baseline)
/// one is what fits.
static inline __attribute__((always_inline)) void gemm_blocks(int rows, int depth, int columns, const float *A,
                                                              ptrdiff_t rowStride, ptrdiff_t depthStride,
                                                              ptrdiff_t blockStride, const float *B, ptrdiff_t ldb,
                                                              float *C, ptrdiff_t ldc) {
    int wide = DL_WIDE_REGISTERS();
    for (int i = 0; i < rows; i += DL_PANEL_ROWS) {
        const float *a = A + (ptrdiff_t)(i / DL_PANEL_ROWS) * blockStride;
        float *c = C + i * ldc;
        int n = rows - i < DL_PANEL_ROWS ? rows - i : DL_PANEL_ROWS;
        int t = 0;
#define BLOCK(vecs) gemm_block(vecs, n, depth, columns, t, a, rowStride, depthStride, B, ldb, c, ldc)
        if (wide) {
            for (; columns - t > 48; t += 64) BLOCK(4);
            if (columns - t > 32) BLOCK(3);
            else if (columns - t > 16) BLOCK(2);
            else if (columns - t > 0) BLOCK(1);
        } else {
            for (; t < columns; t += 16) BLOCK(1);
        }
#undef BLOCK
    }
}

DL_MULTIVERSION
void dl_panel_gemm(int rows, int depth, int columns, const float *panels, const float *B, ptrdiff_t ldb, float *C,
                   ptrdiff_t ldc) {
    // 1.1-1.4x OpenBLAS on AlexNet's Winograd products, OpenBLAS repacking A on every call (measured).
    gemm_blocks(rows, depth, columns, panels, 1, DL_PANEL_ROWS, (ptrdiff_t)DL_PANEL_ROWS * depth, B, ldb, C, ldc);
}

DL_MULTIVERSION
void dl_rows_gemm(int rows, int depth, int columns, const float *A, ptrdiff_t lda, const float *B, ptrdiff_t ldb,
                  float *C, ptrdiff_t ldc) {
    gemm_blocks(rows, depth, columns, A, lda, 1, DL_PANEL_ROWS * lda, B, ldb, C, ldc);
}
