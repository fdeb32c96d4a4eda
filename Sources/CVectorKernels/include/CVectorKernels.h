#ifndef DLTRAIN_CVECTORKERNELS_H
#define DLTRAIN_CVECTORKERNELS_H

/// Hot loops of the CPU engine's Winograd convolution, in C so that each is compiled for AVX-512, AVX2+FMA and
/// baseline x86-64 and picked at load time for the running CPU (function multi-versioning): the Swift build
/// targets baseline x86-64 and cannot do that per function.

#include <stddef.h>

/// Which matrix of a Winograd transform (see `WinogradTransform`).
typedef enum {
    DL_INPUT_FORWARD = 0,  ///< Bᵀ (α×α)
    DL_OUTPUT_FORWARD,     ///< Aᵀ (m×α)
    DL_KERNEL_FORWARD,     ///< G (α×r)
    DL_OUTPUT_BACKWARD,    ///< A (α×m)
    DL_INPUT_BACKWARD,     ///< B (α×α)
    DL_KERNEL_BACKWARD,    ///< Gᵀ (r×α)
} dl_transform_role;

/// One matrix of F(4×4, 3×3) (`alpha` 6) or F(4×4, 5×5) (`alpha` 8).
typedef struct {
    int alpha;
    dl_transform_role role;
} dl_transform_matrix;

/// out[i, j] = Σ_k Σ_l L[i, k]·L[j, l]·in[k, l] for `count` lanes, L the matrix `matrix` names: element (k, l) of
/// lane t is input[k·inRow + l·inColumn + t], element (i, j) goes to output[i·outRow + j·outColumn + t].
/// `scratch` holds rows·columns·`lanes` floats; lanes are processed `lanes` (≥ 16) at a time. Input and output
/// must not overlap: a last vector that would be partial is computed over whole vectors that overlap the ones
/// before it, re-reading their input. Each matrix has its own fully unrolled kernel with its coefficients compiled
/// in (zeros skipped, mirrored rows of the points ±p shared); any other `matrix`, or `lanes` < 16, traps.
void dl_winograd_apply(dl_transform_matrix matrix, const float *input, ptrdiff_t inRow, ptrdiff_t inColumn,
                       float *output, ptrdiff_t outRow, ptrdiff_t outColumn, ptrdiff_t count, float *scratch,
                       ptrdiff_t lanes);

/// Writes the rows×columns matrix `dl_winograd_apply` applies for `matrix` into `values` (room for 64 floats),
/// found by running its kernel on the unit vectors; returns 0 for a matrix that does not exist.
int dl_winograd_matrix_values(dl_transform_matrix matrix, int *rows, int *columns, float *values);

/// target[(i·alpha + j)·targetStride + (s·tileRows + ty)·tileColumns + tx] =
///   planes[s·sampleStride + row·pitch + column],
/// with row = stride·(ty·m + i) + top and column = stride·(tx·m + j) + left, for i, j < alpha and every sample
/// s < samples; 0 where row ∉ [0, rowEnd) or column ∉ [0, columnEnd) (the zero border, and whatever lies past the
/// tile grid's input). stride > 1 reads one phase of a strided layer's input (see PhaseSplitPlan). `staged` is
/// scratch for one zero-bordered plane: (tileRows·m + alpha − m)·(tileColumns·m + alpha − m) floats and 8 more (a
/// tile's row is read 8 floats at a time).
void dl_gather_tiles(const float *planes, ptrdiff_t sampleStride, int pitch, int stride, int top, int left,
                     int rowEnd, int columnEnd, int samples, int tileRows, int tileColumns, int m, int alpha,
                     float *staged, float *target, ptrdiff_t targetStride);

/// The transpose of a stride-1 dl_gather_tiles with no border, accumulating (tiles overlap):
///   planes[s·sampleStride + (ty·m + i)·width + tx·m + j] +=
///     source[(i·alpha + j)·sourceStride + (s·tileRows + ty)·tileColumns + tx].
void dl_scatter_add_tiles(const float *source, ptrdiff_t sourceStride, float *planes, ptrdiff_t sampleStride,
                          ptrdiff_t width, int samples, int tileRows, int tileColumns, int m, int alpha);

/// Output tiles into planes, clipped: planes[s·sampleStride + (ty·m + i)·width + tx·m + j] =
///   source[(i·m + j)·sourceStride + (s·tileRows + ty)·tileColumns + tx] wherever ty·m + i < height and
///   tx·m + j < width.
void dl_store_output_tiles(const float *source, ptrdiff_t sourceStride, float *planes, ptrdiff_t sampleStride,
                           int height, int width, int samples, int tileRows, int tileColumns, int m);

/// The transpose of dl_store_output_tiles: tiles read from planes, zero where they overhang.
void dl_load_output_tiles(const float *planes, ptrdiff_t sampleStride, int height, int width, int samples,
                          int tileRows, int tileColumns, int m, float *target, ptrdiff_t targetStride);

/// Rows of A per panel of dl_panel_gemm.
#define DL_PANEL_ROWS 6

/// C[rows, columns] = A[rows, depth] · B[depth, columns] (row-major, B and C with leading dimensions `ldb` and `ldc`),
/// A packed in panels of DL_PANEL_ROWS rows: A[i, k] is panels[(i / 6)·6·depth + k·6 + i % 6] (a last partial
/// panel's rows past `rows` are never read). B is read 16 columns at a time: each row may be read up to 15 floats
/// past column `columns`, which must be readable; those lanes never reach C.
void dl_panel_gemm(int rows, int depth, int columns, const float *panels, const float *B, ptrdiff_t ldb, float *C,
                   ptrdiff_t ldc);

/// dl_panel_gemm with A row-major, A[i, k] at A[i·lda + k] (only its `rows` rows are read): each block of
/// DL_PANEL_ROWS rows of A is read once, against all of B.
void dl_rows_gemm(int rows, int depth, int columns, const float *A, ptrdiff_t lda, const float *B, ptrdiff_t ldb,
                  float *C, ptrdiff_t ldc);

/// Max pooling of `planes` consecutive unpadded planes (`height`×`width`) with `size`×`size` windows every
/// `stride` pixels: output[o] is the window's largest value and indices[o] its offset in its plane (as a float);
/// ties keep the first in scan order, and a window without a value above −∞ (all −∞ or NaN) reports its first
/// pixel. `indices` may be NULL (inference): no offsets are computed.
void dl_max_pool_planes(const float *source, int planes, int height, int width, int size, int stride,
                        int outputHeight, int outputWidth, float *output, float *indices);

/// 2×2, stride-2 max pooling of one unpadded plane (`height`×`width`): each window's maximum and its plane offset
/// (as a float); ties keep the first in scan order (top-left, top-right, bottom-left, bottom-right), and, as in
/// dl_max_pool_planes, a window without a value above −∞ (all −∞ or NaN) reports its first pixel. `indices` may
/// be NULL.
void dl_max_pool_2x2_plane(const float *source, int width, int outputHeight, int outputWidth, float *output,
                           float *indices);

/// The backward pass of dl_max_pool_2x2_plane: every input pixel is written once, the window's gradient where
/// `indices` names it and 0 elsewhere (including the last row and column an odd size leaves uncovered).
void dl_max_pool_2x2_backward_plane(const float *gradOutput, const float *indices, int height, int width,
                                    int outputHeight, int outputWidth, float *gradInput);

/// C[m, n] = alpha·Σ_k A[m, k]·B[n, k] + beta·C[m, n] for m < M ≤ 16 and n in firstColumn ..< endColumn: a dense
/// layer's forward product at a small batch, where B (the weights, N×K row-major) is streamed once and every
/// weight is broadcast against a column of A held transposed in `transposedA` (K rows of 16 floats, lanes ≥ M
/// zero; fill it with dl_transpose_to_lanes). beta = 0 writes C without reading it.
void dl_skinny_gemm_nt(int M, int K, const float *transposedA, const float *B, ptrdiff_t ldb, float alpha, float beta,
                       float *C, ptrdiff_t ldc, int firstColumn, int endColumn);

/// An SGD step for dl_skinny_dense_backward to apply to each weight as soon as its gradient is known, as the
/// engine's sgdStep does: g = dW + weightDecay·w; v = momentum·v + g;
/// w −= learningRate·(nesterov ? g + momentum·v : v). `velocity` has the weights' layout.
typedef struct {
    float *velocity;
    float learningRate, momentum, weightDecay;
    int nesterov;
} dl_sgd_step;

/// A dense layer's backward products at a small batch, in one sweep over the weights, for input columns
/// firstColumn ..< endColumn: gradWeight[n, k] = Σ_b dZ[b, n]·input[b, k] and, when gradInput is not NULL,
/// gradInput[b, k] = Σ_n dZ[b, n]·weight[n, k], both overwritten, for b < batch ≤ 64 and n < units. `gradLanes`
/// holds dZ transposed (dl_transpose_to_lanes of the batch's dZ). Each weight is read once and each weight gradient
/// written once (bypassing the caches where its rows are 64-byte aligned), so workers that split the columns share
/// no output. The columns go by blocks of dl_dense_backward_block_columns(batch). With `update` not NULL the
/// gradient is not stored (gradWeight may be NULL): each weight and its velocity are updated in place instead,
/// after gradInput has used the weight's old value, bit for bit as a separate sgdStep would.
void dl_skinny_dense_backward(int batch, int units, const float *gradLanes, const float *input, ptrdiff_t ldx,
                              float *weight, ptrdiff_t ldw, float *gradWeight, ptrdiff_t ldgw,
                              const dl_sgd_step *update, float *gradInput, ptrdiff_t ldgx, int firstColumn,
                              int endColumn);

/// How many input columns dl_skinny_dense_backward takes per block at `batch` rows: 256 up to 16 rows, 128 up to
/// 32, 64 up to 64, so that its copies of the block's inputs and sums (34-40 KB together) stay in a 48 KB L1.
static inline int dl_dense_backward_block_columns(int batch) { return batch <= 16 ? 256 : batch <= 32 ? 128 : 64; }

/// How many lanes (floats per column) dl_transpose_to_lanes gives `rows` rows: `rows` rounded up to a multiple of 16.
static inline int dl_lanes(int rows) { return (rows + 15) / 16 * 16; }

/// target[k·L + m] = A[m·lda + k] for m < M ≤ 64 and k < K, and 0 for M ≤ m < L, where L = dl_lanes(M).
void dl_transpose_to_lanes(int M, int K, const float *A, ptrdiff_t lda, float *target);

/// The most taps (channels × kernel height × kernel width) the direct convolution kernels take; more trap.
#define DL_DIRECT_CONV_MAX_TAPS 160

/// Non-zero when the direct convolution kernels run their AVX-512 build: their 16–20 accumulators of 16 floats fit
/// only in its 32 vector registers (the AVX2 and baseline builds, correct but spilling, are left to tests).
int dl_direct_conv_is_fast(void);

/// Floats of scratch one worker needs for dl_direct_conv_forward and dl_direct_conv_weight_gradient on samples
/// [channels, height, width] (a 64-byte aligned block keeps their vectors aligned).
size_t dl_direct_conv_scratch_floats(int channels, int height, int width, int filters, int kernelHeight,
                                     int kernelWidth, int paddingHeight, int paddingWidth);

/// Floats of the weights [filters, taps] as dl_direct_conv_pack_weights packs them.
size_t dl_direct_conv_packed_floats(int filters, int taps);

/// The weights [filters, taps] (taps = channels × kernel height × kernel width) by blocks of 8 filters, tap-major:
/// packed[(block·taps + tap)·8 + j] = weight[block·8 + j, tap], 0 past the last filter. Once per forward pass.
void dl_direct_conv_pack_weights(const float *weight, int filters, int taps, float *packed);

/// One sample of a stride-1 convolution, computed directly: output[f, y, x] = Σ_{c, ky, kx} weight[f, c, ky, kx]·
/// padded[c, y + ky, x + kx] + bias[f] (no bias when NULL), negative values set to 0 when `relu` is non-zero (NaN
/// passes), the sample zero-padded by paddingHeight/paddingWidth and the weights packed by
/// dl_direct_conv_pack_weights. The padded sample is staged in `scratch` with pitch P = width + 2·paddingWidth and
/// every output computed at grid point y·P + x, so each tap reads one contiguous run at a fixed shift: no column
/// matrix, 8 filters × 32 grid points per block of accumulators. For layers whose im2col GEMM would be thin (at
/// most DL_DIRECT_CONV_MAX_TAPS channels × taps).
void dl_direct_conv_forward(const float *sample, int channels, int height, int width, const float *packedWeights,
                            const float *bias, int relu, int filters, int kernelHeight, int kernelWidth,
                            int paddingHeight, int paddingWidth, float *scratch, float *output);

/// Adds one sample's weight gradient, Σ_{y, x} dZ[f, y, x]·padded[c, y + ky, x + kx], into 16 partial sums per
/// weight kept in `scratch` (cleared first when `first` is non-zero), on the grid dl_direct_conv_forward uses:
/// 4 filters × 5 taps of a kernel row per block of accumulators. dZ is gradOutput, or where `reluOutput` (the
/// layer's ReLU output) is not NULL, gradOutput where reluOutput > 0 and 0 elsewhere; gradOutput is not written.
/// When `biasGradient` is not NULL, biasGradient[f] += Σ_{y, x} dZ[f, y, x]. An infinite input pixel also meets
/// the zero dZ of the discarded grid columns (0·∞: NaN in taps a direct sum keeps finite); its forward pass is not
/// finite either.
void dl_direct_conv_weight_gradient(const float *sample, int channels, int height, int width,
                                    const float *gradOutput, const float *reluOutput, float *biasGradient,
                                    int filters, int kernelHeight, int kernelWidth, int paddingHeight,
                                    int paddingWidth, int first, float *scratch);

/// gradWeight[f, tap] = the sum of the 16 partial sums dl_direct_conv_weight_gradient accumulated in `scratch`.
void dl_direct_conv_finish_weight_gradient(int channels, int height, int width, int filters, int kernelHeight,
                                           int kernelWidth, int paddingHeight, int paddingWidth,
                                           const float *scratch, float *gradWeight);

/// Σ values[0 ..< count] in float, by 16-float vectors into eight independent sums: a read of `count` floats at the
/// speed of memory (the memory bandwidth benchmark). Exact when every partial sum is an integer below 2²⁴.
float dl_sum_floats(const float *values, size_t count);

#endif
