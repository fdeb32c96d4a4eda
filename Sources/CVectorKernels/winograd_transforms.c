#include "CVectorKernels.h"

#include "vector_support.h"

#define INLINE static inline __attribute__((always_inline))

/// The matrices of F(4×4, 3×3) (α = 6) and F(4×4, 5×5) (α = 8), by the Toom–Cook construction from the points
/// 0, 1, −1, 2, −2, ½, −½, ∞ (rows in that order): `A` and `G` evaluate a polynomial of 4 or r coefficients at the
/// points, `Bᵀ` is the transposed inverse of the α-coefficient evaluation. `WinogradTransform` derives them again
/// in double precision and checks them against `dl_winograd_matrix_values` once.
///
/// Every row pair (1, 2), (3, 4), (5, 6) belongs to the points ±p, so `T[r + 1][k] = (−1)^k·T[r][k]`: the
/// kernels below compute the even and odd halves of such a pair once, and skip the zero coefficients.
static const float B6T[6][6] = {
    {1, 0, -5.0 / 4, 0, 1.0 / 4, 0},
    {0, 2.0 / 3, 2.0 / 3, -1.0 / 6, -1.0 / 6, 0},
    {0, -2.0 / 3, 2.0 / 3, 1.0 / 6, -1.0 / 6, 0},
    {0, -1.0 / 12, -1.0 / 24, 1.0 / 12, 1.0 / 24, 0},
    {0, 1.0 / 12, -1.0 / 24, -1.0 / 12, 1.0 / 24, 0},
    {0, 4, 0, -5, 0, 1},
};
static const float A6[6][4] = {
    {1, 0, 0, 0}, {1, 1, 1, 1}, {1, -1, 1, -1}, {1, 2, 4, 8}, {1, -2, 4, -8}, {0, 0, 0, 1},
};
static const float G6[6][3] = {
    {1, 0, 0}, {1, 1, 1}, {1, -1, 1}, {1, 2, 4}, {1, -2, 4}, {0, 0, 1},
};
static const float B8T[8][8] = {
    {1, 0, -21.0 / 4, 0, 21.0 / 4, 0, -1, 0},
    {0, -2.0 / 9, -2.0 / 9, 17.0 / 18, 17.0 / 18, -2.0 / 9, -2.0 / 9, 0},
    {0, 2.0 / 9, -2.0 / 9, -17.0 / 18, 17.0 / 18, 2.0 / 9, -2.0 / 9, 0},
    {0, 1.0 / 180, 1.0 / 360, -1.0 / 36, -1.0 / 72, 1.0 / 45, 1.0 / 90, 0},
    {0, -1.0 / 180, 1.0 / 360, 1.0 / 36, -1.0 / 72, -1.0 / 45, 1.0 / 90, 0},
    {0, 64.0 / 45, 128.0 / 45, -16.0 / 9, -32.0 / 9, 16.0 / 45, 32.0 / 45, 0},
    {0, -64.0 / 45, 128.0 / 45, 16.0 / 9, -32.0 / 9, -16.0 / 45, 32.0 / 45, 0},
    {0, -1, 0, 21.0 / 4, 0, -21.0 / 4, 0, 1},
};
static const float A8[8][4] = {
    {1, 0, 0, 0}, {1, 1, 1, 1}, {1, -1, 1, -1}, {1, 2, 4, 8},
    {1, -2, 4, -8}, {1, 0.5, 0.25, 0.125}, {1, -0.5, 0.25, -0.125}, {0, 0, 0, 1},
};
static const float G8[8][5] = {
    {1, 0, 0, 0, 0}, {1, 1, 1, 1, 1}, {1, -1, 1, -1, 1}, {1, 2, 4, 8, 16},
    {1, -2, 4, -8, 16}, {1, 0.5, 0.25, 0.125, 0.0625}, {1, -0.5, 0.25, -0.125, 0.0625}, {0, 0, 0, 0, 1},
};

/// *sum = Σ c[k]·x[k] over k = first, first + step, … < end, leaving out zero coefficients. `c` points into
/// a table above, so once inlined every coefficient and test is a compile-time constant (and ±1 needs no product).
/// (Vectors go through pointers: a vector-typed return would make the baseline clone's calling convention depend
/// on the target.)
INLINE void weighted_sum(dl_vector *sum, const float *c, const dl_vector *x, int first, int end, int step) {
    *sum = (dl_vector){0};
    int started = 0;
#pragma clang loop unroll(full)
    for (int k = first; k < end; k += step) {
        float w = c[k];
        if (w == 0) continue;
        *sum = started ? *sum + w * x[k] : w * x[k];
        started = 1;
    }
}

/// y = T·x for an α×n table T: rows 0 and α − 1 directly, each mirrored row pair from its even and odd halves.
INLINE void apply_rows(const float *table, int alpha, int n, const dl_vector *x, dl_vector *y) {
    weighted_sum(&y[0], table, x, 0, n, 1);
#pragma clang loop unroll(full)
    for (int r = 1; r < alpha - 1; r += 2) {
        dl_vector even, odd;
        weighted_sum(&even, table + r * n, x, 0, n, 2);
        weighted_sum(&odd, table + r * n, x, 1, n, 2);
        y[r] = even + odd;
        y[r + 1] = even - odd;
    }
    weighted_sum(&y[alpha - 1], table + (alpha - 1) * n, x, 0, n, 1);
}

/// y = Tᵀ·x for an α×n table T: a mirrored pair (r, r + 1) contributes T[r][j]·(x[r] ± x[r + 1]) to output j,
/// + for even j and − for odd j, so each pair's sum and difference are formed once.
INLINE void apply_columns(const float *table, int alpha, int n, const dl_vector *x, dl_vector *y) {
    dl_vector sums[8], differences[8];
    sums[0] = differences[0] = x[0];
    sums[alpha - 1] = differences[alpha - 1] = x[alpha - 1];
#pragma clang loop unroll(full)
    for (int r = 1; r < alpha - 1; r += 2) {
        sums[r] = x[r] + x[r + 1];
        differences[r] = x[r] - x[r + 1];
        sums[r + 1] = differences[r + 1] = sums[r];  // never read: the pair's second row is left out below
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < n; j++) {
        const dl_vector *z = j % 2 ? differences : sums;
        dl_vector sum = {0};
        int started = 0;
#pragma clang loop unroll(full)
        for (int i = 0; i < alpha; i++) {
            float w = table[i * n + j];
            if ((i % 2 == 0 && i > 0 && i < alpha - 1) || w == 0) continue;
            sum = started ? sum + w * z[i] : w * z[i];
            started = 1;
        }
        y[j] = sum;
    }
}

/// Loads `rows` vectors `stride` apart from `p`, the last `16 − width` lanes zero when `width < 16`.
INLINE void load_lines(dl_vector *x, int rows, const float *p, ptrdiff_t stride, ptrdiff_t width) {
    if (width >= 16) {
#pragma clang loop unroll(full)
        for (int k = 0; k < rows; k++) x[k] = LOAD_VECTOR(p + k * stride);
        return;
    }
    for (int k = 0; k < rows; k++) {
        float lane[16] = {0};
        for (ptrdiff_t t = 0; t < width; t++) lane[t] = p[k * stride + t];
        x[k] = LOAD_VECTOR(lane);
    }
}

/// Stores `rows` vectors `stride` apart at `p`, only the first `width` lanes when `width < 16`.
INLINE void store_lines(float *p, ptrdiff_t stride, const dl_vector *y, int rows, ptrdiff_t width) {
    if (width >= 16) {
#pragma clang loop unroll(full)
        for (int k = 0; k < rows; k++) STORE_VECTOR(p + k * stride, y[k]);
        return;
    }
    for (int k = 0; k < rows; k++) {
        float lane[16];
        STORE_VECTOR(lane, y[k]);
        for (ptrdiff_t t = 0; t < width; t++) p[k * stride + t] = lane[t];
    }
}

/// Where the vector of lanes `t ..< t + 16` of a block of `width` lanes starts: at `t`, or, for a last vector that
/// would be partial in a block of at least 16 lanes, 16 lanes from the block's end. That vector overlaps the one
/// before it: the lanes both cover are computed twice, identically (every caller writes elsewhere than it reads).
/// Partial vectors go through 16-float stack copies that stall store forwarding: a transform of 49 lanes cost 3.5
/// times one of 48.
INLINE ptrdiff_t whole_vector(ptrdiff_t t, ptrdiff_t width) { return width - t < 16 && width >= 16 ? width - 16 : t; }

/// A two-sided transform `out = L·in·Lᵀ` over `count` lanes (see `dl_winograd_apply`), where the P×Q matrix L is
/// TABLE (α×n) applied by KIND (`apply_rows`: P = α, Q = n; `apply_columns`: P = n, Q = α), and NAME##_matrix,
/// which writes L by applying it to the unit vectors. Pass 1 transforms the input's columns into `scratch`
/// ([P, Q, lanes]), pass 2 the rows of that.
#define DEFINE_APPLY(NAME, P, Q, KIND, TABLE, ALPHA, N)                                                            \
    INLINE void NAME(const float *input, ptrdiff_t inRow, ptrdiff_t inColumn, float *output, ptrdiff_t outRow,     \
                     ptrdiff_t outColumn, ptrdiff_t count, float *scratch, ptrdiff_t lanes) {                      \
        for (ptrdiff_t first = 0; first < count; first += lanes) {                                                 \
            ptrdiff_t width = count - first < lanes ? count - first : lanes;                                       \
            if (width < 16 && count >= 16) {                                                                       \
                first = count - 16; /* overlap the block before (see whole_vector) */                              \
                width = 16;                                                                                        \
            }                                                                                                      \
            for (int l = 0; l < Q; l++)                                                                            \
                for (ptrdiff_t t = 0; t < width; t += 16) {                                                        \
                    ptrdiff_t u = whole_vector(t, width);                                                          \
                    dl_vector x[Q], y[P];                                                                          \
                    load_lines(x, Q, input + l * inColumn + first + u, inRow, width - u);                          \
                    KIND(&TABLE[0][0], ALPHA, N, x, y);                                                            \
                    store_lines(scratch + l * lanes + u, Q * lanes, y, P, width - u);                              \
                }                                                                                                  \
            for (int i = 0; i < P; i++)                                                                            \
                for (ptrdiff_t t = 0; t < width; t += 16) {                                                        \
                    ptrdiff_t u = whole_vector(t, width);                                                          \
                    dl_vector x[Q], y[P];                                                                          \
                    load_lines(x, Q, scratch + i * Q * lanes + u, lanes, width - u);                               \
                    KIND(&TABLE[0][0], ALPHA, N, x, y);                                                            \
                    store_lines(output + i * outRow + first + u, outColumn, y, P, width - u);                      \
                }                                                                                                  \
        }                                                                                                          \
    }                                                                                                              \
    static void NAME##_matrix(int *rows, int *columns, float *values) {                                            \
        *rows = P;                                                                                                 \
        *columns = Q;                                                                                              \
        for (int k = 0; k < Q; k++) {                                                                              \
            dl_vector x[Q], y[P];                                                                                  \
            for (int l = 0; l < Q; l++) x[l] = (dl_vector){0};                                                     \
            x[k][0] = 1;                                                                                           \
            KIND(&TABLE[0][0], ALPHA, N, x, y);                                                                    \
            for (int i = 0; i < P; i++) values[i * Q + k] = y[i][0];                                               \
        }                                                                                                          \
    }

/// The six kernels of one transform (α = ALPHA, kernel R), named by role as in `dl_transform_role`.
#define DEFINE_TRANSFORM(ALPHA, R)                                                                                 \
    DEFINE_APPLY(input_forward_##ALPHA, ALPHA, ALPHA, apply_rows, B##ALPHA##T, ALPHA, ALPHA)                      \
    DEFINE_APPLY(output_forward_##ALPHA, 4, ALPHA, apply_columns, A##ALPHA, ALPHA, 4)                             \
    DEFINE_APPLY(kernel_forward_##ALPHA, ALPHA, R, apply_rows, G##ALPHA, ALPHA, R)                                \
    DEFINE_APPLY(output_backward_##ALPHA, ALPHA, 4, apply_rows, A##ALPHA, ALPHA, 4)                               \
    DEFINE_APPLY(input_backward_##ALPHA, ALPHA, ALPHA, apply_columns, B##ALPHA##T, ALPHA, ALPHA)                  \
    DEFINE_APPLY(kernel_backward_##ALPHA, R, ALPHA, apply_columns, G##ALPHA, ALPHA, R)

DEFINE_TRANSFORM(6, 3)
DEFINE_TRANSFORM(8, 5)

typedef void (*matrix_function)(int *, int *, float *);

/// Index of `matrix` in the tables below, or −1 for one that does not exist.
INLINE int transform_index(dl_transform_matrix matrix) {
    if (matrix.role < DL_INPUT_FORWARD || matrix.role > DL_KERNEL_BACKWARD) return -1;
    return matrix.alpha == 6 ? (int)matrix.role : matrix.alpha == 8 ? 6 + (int)matrix.role : -1;
}

DL_MULTIVERSION
void dl_winograd_apply(dl_transform_matrix matrix, const float *input, ptrdiff_t inRow, ptrdiff_t inColumn,
                       float *output, ptrdiff_t outRow, ptrdiff_t outColumn, ptrdiff_t count, float *scratch,
                       ptrdiff_t lanes) {
    if (lanes < 16) __builtin_trap();  // whole vectors of a block (see whole_vector)
#define CASE(INDEX, NAME)                                                                                          \
    case INDEX:                                                                                                    \
        NAME(input, inRow, inColumn, output, outRow, outColumn, count, scratch, lanes);                            \
        return;
    switch (transform_index(matrix)) {
        CASE(0, input_forward_6) CASE(1, output_forward_6) CASE(2, kernel_forward_6)
        CASE(3, output_backward_6) CASE(4, input_backward_6) CASE(5, kernel_backward_6)
        CASE(6, input_forward_8) CASE(7, output_forward_8) CASE(8, kernel_forward_8)
        CASE(9, output_backward_8) CASE(10, input_backward_8) CASE(11, kernel_backward_8)
    default:
        __builtin_trap();  // WinogradTransform builds only the matrices above
    }
#undef CASE
}

int dl_winograd_matrix_values(dl_transform_matrix matrix, int *rows, int *columns, float *values) {
    static const matrix_function functions[] = {
        input_forward_6_matrix,   output_forward_6_matrix, kernel_forward_6_matrix,
        output_backward_6_matrix, input_backward_6_matrix, kernel_backward_6_matrix,
        input_forward_8_matrix,   output_forward_8_matrix, kernel_forward_8_matrix,
        output_backward_8_matrix, input_backward_8_matrix, kernel_backward_8_matrix,
    };
    int index = transform_index(matrix);
    if (index < 0) return 0;
    functions[index](rows, columns, values);
    return 1;
}
