#include "CVectorKernels.h"

#include "vector_support.h"

/// C[i, t ..< t + 16·vecs] for the rows of one panel (`vecs` a constant after inlining): one accumulator per row and
/// vector, each step a row of B (`vecs` loads) against the panel's column (one broadcast per row). Lanes past
/// `columns` are computed from whatever B holds there and never stored.
static inline __attribute__((always_inline)) void panel_block(int vecs, int rows, int depth, int columns, int t,
                                                              const float *panel, const float *B, ptrdiff_t ldb,
                                                              float *C, ptrdiff_t ldc) {
    dl_vector sums[DL_PANEL_ROWS][4];
    for (int r = 0; r < DL_PANEL_ROWS; r++)
        for (int u = 0; u < vecs; u++) sums[r][u] = (dl_vector){0};
    const float *b = B + t;
    for (int k = 0; k < depth; k++, b += ldb, panel += DL_PANEL_ROWS) {
        dl_vector x[4];
        for (int u = 0; u < vecs; u++) x[u] = LOAD_VECTOR(b + 16 * u);
        for (int r = 0; r < DL_PANEL_ROWS; r++) {
            float a = panel[r];
            for (int u = 0; u < vecs; u++) sums[r][u] += a * x[u];
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

DL_MULTIVERSION
void dl_panel_gemm(int rows, int depth, int columns, const float *panels, const float *B, ptrdiff_t ldb, float *C,
                   ptrdiff_t ldc) {
    // Four vectors (24 accumulators) with 32 vector registers (the x86-64-v4 clone): 1.1-1.4x OpenBLAS on
    // AlexNet's Winograd products, OpenBLAS repacking A on every call (measured). With 16 registers (AVX2,
    // baseline) one vector is what fits.
    int wide = 0;
#if defined(__x86_64__) && defined(__clang__)
    wide = __builtin_cpu_supports("x86-64-v4");
#endif
    for (int i = 0; i < rows; i += DL_PANEL_ROWS) {
        const float *panel = panels + (ptrdiff_t)i * depth;
        float *c = C + i * ldc;
        int inPanel = rows - i < DL_PANEL_ROWS ? rows - i : DL_PANEL_ROWS;
        int t = 0;
        if (wide) {
            for (; columns - t > 48; t += 64) panel_block(4, inPanel, depth, columns, t, panel, B, ldb, c, ldc);
            if (columns - t > 32) panel_block(3, inPanel, depth, columns, t, panel, B, ldb, c, ldc);
            else if (columns - t > 16) panel_block(2, inPanel, depth, columns, t, panel, B, ldb, c, ldc);
            else if (columns - t > 0) panel_block(1, inPanel, depth, columns, t, panel, B, ldb, c, ldc);
        } else {
            for (; t < columns; t += 16) panel_block(1, inPanel, depth, columns, t, panel, B, ldb, c, ldc);
        }
    }
}
