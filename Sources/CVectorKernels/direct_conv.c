#include <string.h>

#include "CVectorKernels.h"
#include "vector_support.h"

/// Direct stride-1 convolution on the padded grid. A sample [C, H, W] is staged zero-padded with pitch
/// P = W + 2·padW, and outputs are computed at every grid point o = oy·P + ox with ox < P (the last kernelWidth − 1
/// columns of each grid row are discarded). Tap (c, ky, kx) of output o then reads staged[o + c·plane + ky·P + kx]:
/// a contiguous run at a fixed shift for every tap, so the whole sample is one flat loop of vector loads with no
/// column matrix. Waste: (kernelWidth − 1)/P of the lanes.

/// The grid of one sample: outputs at o = oy·P + ox for o < gridPoints, rounded up to two vectors.
typedef struct {
    int pitch, plane, outputHeight, outputWidth, taps, gridPoints, gridVectors;
} direct_grid;

static direct_grid grid_of(int channels, int height, int width, int kernelHeight, int kernelWidth,
                           int paddingHeight, int paddingWidth) {
    direct_grid g;
    g.pitch = width + 2 * paddingWidth;
    g.plane = (height + 2 * paddingHeight) * g.pitch;
    g.outputHeight = height + 2 * paddingHeight - kernelHeight + 1;
    g.outputWidth = g.pitch - kernelWidth + 1;
    g.taps = channels * kernelHeight * kernelWidth;
    g.gridPoints = g.outputHeight * g.pitch;
    g.gridVectors = (g.gridPoints + 31) / 32 * 2;
    return g;
}

/// Filters per forward block (broadcast weights against two grid vectors: 16 accumulators) and per weight-gradient
/// block (4 filters × 5 taps of one kernel row: 20 accumulators).
enum { FORWARD_FILTERS = 8, GRADIENT_FILTERS = 4, GRADIENT_TAPS = 5 };

/// target[i] = gradient[i] where output[i] > 0, else 0 (a ReLU's input gradient), in vectors that may overlap
/// each other but never reach outside the row.
static inline __attribute__((always_inline)) void masked_row(float *target, const float *gradient, const float *output,
                                                             int count) {
    if (count < 16) {
        for (int i = 0; i < count; i++) target[i] = output[i] > 0 ? gradient[i] : 0;
        return;
    }
    dl_vector zero = {0};
    for (int i = 0;; i += 16) {
        if (i + 16 > count) i = count - 16;
        STORE_VECTOR(target + i, SELECT(LOAD_VECTOR(output + i) > zero, LOAD_VECTOR(gradient + i), zero));
        if (i + 16 >= count) break;
    }
}

/// target[i] = source[i] + bias, negative values set to 0 when `relu` (NaN passes through, as in the engine's
/// other ReLU kernels), by vectors as in masked_row.
static inline __attribute__((always_inline)) void store_row(float *target, const float *source, int count, float bias,
                                                            int relu) {
    dl_vector b = (dl_vector){0} + bias, zero = (dl_vector){0};
    if (count < 16) {
        for (int i = 0; i < count; i++) {
            float value = source[i] + bias;
            target[i] = relu && value < 0 ? 0 : value;
        }
        return;
    }
    for (int i = 0;; i += 16) {
        if (i + 16 > count) i = count - 16;
        dl_vector value = LOAD_VECTOR(source + i) + b;
        if (relu) value = SELECT(value < zero, zero, value);
        STORE_VECTOR(target + i, value);
        if (i + 16 >= count) break;
    }
}

/// The staged sample: C zero-padded planes and the slack the last grid vectors read past them (zero).
static size_t staged_floats(direct_grid g, int channels, int kernelWidth) {
    return (size_t)channels * g.plane + kernelWidth + 32;
}

static void stage(const float *sample, int channels, int height, int width, int paddingHeight, int paddingWidth,
                  direct_grid g, int kernelWidth, float *staged) {
    memset(staged, 0, staged_floats(g, channels, kernelWidth) * sizeof(float));
    for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
            copy_run(staged + (size_t)c * g.plane + (size_t)(y + paddingHeight) * g.pitch + paddingWidth,
                     sample + ((size_t)c * height + y) * width, width);
}

int dl_direct_conv_is_fast(void) { return DL_WIDE_REGISTERS(); }

size_t dl_direct_conv_scratch_floats(int channels, int height, int width, int filters, int kernelHeight,
                                     int kernelWidth, int paddingHeight, int paddingWidth) {
    direct_grid g = grid_of(channels, height, width, kernelHeight, kernelWidth, paddingHeight, paddingWidth);
    size_t sums = (size_t)(filters + GRADIENT_FILTERS - 1) / GRADIENT_FILTERS * GRADIENT_FILTERS * g.taps * 16;
    // 16 more: split_scratch starts the grid after the staged sample on a whole vector.
    return staged_floats(g, channels, kernelWidth) + FORWARD_FILTERS * g.gridVectors * 16 + sums + 16;
}

/// Scratch regions, in order: staged sample, grid rows (8: one forward block of filters, or one weight-gradient
/// block of dZ), weight-gradient sums (64-byte aligned when the scratch is).
typedef struct {
    float *staged, *grid, *sums;
} direct_scratch;

static direct_scratch split_scratch(float *scratch, direct_grid g, int channels, int kernelWidth) {
    direct_scratch s;
    size_t staged = (staged_floats(g, channels, kernelWidth) + 15) / 16 * 16;
    s.staged = scratch;
    s.grid = scratch + staged;
    s.sums = s.grid + FORWARD_FILTERS * g.gridVectors * 16;
    return s;
}

size_t dl_direct_conv_packed_floats(int filters, int taps) {
    return (size_t)(filters + FORWARD_FILTERS - 1) / FORWARD_FILTERS * FORWARD_FILTERS * taps;
}

void dl_direct_conv_pack_weights(const float *weight, int filters, int taps, float *packed) {
    for (int block = 0; block * FORWARD_FILTERS < filters; block++)
        for (int tap = 0; tap < taps; tap++)
            for (int j = 0; j < FORWARD_FILTERS; j++) {
                int f = block * FORWARD_FILTERS + j;
                packed[((size_t)block * taps + tap) * FORWARD_FILTERS + j] =
                    f < filters ? weight[(size_t)f * taps + tap] : 0;
            }
}

DL_MULTIVERSION
void dl_direct_conv_forward(const float *sample, int channels, int height, int width, const float *packedWeights,
                            const float *bias, int relu, int filters, int kernelHeight, int kernelWidth,
                            int paddingHeight, int paddingWidth, float *scratch, float *output) {
    direct_grid g = grid_of(channels, height, width, kernelHeight, kernelWidth, paddingHeight, paddingWidth);
    direct_scratch s = split_scratch(scratch, g, channels, kernelWidth);
    stage(sample, channels, height, width, paddingHeight, paddingWidth, g, kernelWidth, s.staged);
    // The tap shifts c·plane + ky·P + kx, in weight order.
    if (g.taps > DL_DIRECT_CONV_MAX_TAPS) __builtin_trap();
    int shifts[DL_DIRECT_CONV_MAX_TAPS];
    for (int c = 0, tap = 0; c < channels; c++)
        for (int ky = 0; ky < kernelHeight; ky++)
            for (int kx = 0; kx < kernelWidth; kx++) shifts[tap++] = c * g.plane + ky * g.pitch + kx;
    size_t gridStride = (size_t)g.gridVectors * 16;
    for (int block = 0; block * FORWARD_FILTERS < filters; block++) {
        const float *w = packedWeights + (size_t)block * g.taps * FORWARD_FILTERS;
        for (int o = 0; o < g.gridVectors * 16; o += 32) {
            dl_vector sums[FORWARD_FILTERS][2];
            for (int j = 0; j < FORWARD_FILTERS; j++) sums[j][0] = sums[j][1] = (dl_vector){0};
            for (int tap = 0; tap < g.taps; tap++) {
                const float *x = s.staged + o + shifts[tap];
                dl_vector x0 = LOAD_VECTOR(x), x1 = LOAD_VECTOR(x + 16);
                for (int j = 0; j < FORWARD_FILTERS; j++) {
                    float scale = w[tap * FORWARD_FILTERS + j];
                    sums[j][0] += scale * x0;
                    sums[j][1] += scale * x1;
                }
            }
            for (int j = 0; j < FORWARD_FILTERS; j++) {
                STORE_VECTOR(s.grid + j * gridStride + o, sums[j][0]);
                STORE_VECTOR(s.grid + j * gridStride + o + 16, sums[j][1]);
            }
        }
        // The grid rows' first outputWidth points are the output rows.
        int count = filters - block * FORWARD_FILTERS < FORWARD_FILTERS ? filters - block * FORWARD_FILTERS
                                                                         : FORWARD_FILTERS;
        for (int j = 0; j < count; j++) {
            int f = block * FORWARD_FILTERS + j;
            float *plane = output + (size_t)f * g.outputHeight * g.outputWidth;
            for (int y = 0; y < g.outputHeight; y++)
                store_row(plane + (size_t)y * g.outputWidth, s.grid + j * gridStride + (size_t)y * g.pitch,
                          g.outputWidth, bias ? bias[f] : 0, relu);
        }
    }
}

DL_MULTIVERSION
void dl_direct_conv_weight_gradient(const float *sample, int channels, int height, int width,
                                    const float *gradOutput, const float *reluOutput, float *biasGradient,
                                    int filters, int kernelHeight, int kernelWidth, int paddingHeight,
                                    int paddingWidth, int first, float *scratch) {
    direct_grid g = grid_of(channels, height, width, kernelHeight, kernelWidth, paddingHeight, paddingWidth);
    direct_scratch s = split_scratch(scratch, g, channels, kernelWidth);
    int blocks = (filters + GRADIENT_FILTERS - 1) / GRADIENT_FILTERS;
    size_t gridStride = (size_t)g.gridVectors * 16;
    if (first) memset(s.sums, 0, (size_t)blocks * GRADIENT_FILTERS * g.taps * 16 * sizeof(float));
    stage(sample, channels, height, width, paddingHeight, paddingWidth, g, kernelWidth, s.staged);
    for (int block = 0; block < blocks; block++) {
        // This block's dZ on the grid: zero in the discarded columns, past the last grid point and in rows past the
        // last filter.
        const float *z = s.grid;
        memset(s.grid, 0, GRADIENT_FILTERS * gridStride * sizeof(float));
        for (int j = 0; j < GRADIENT_FILTERS && block * GRADIENT_FILTERS + j < filters; j++) {
            int f = block * GRADIENT_FILTERS + j;
            for (int y = 0; y < g.outputHeight; y++) {
                size_t at = ((size_t)f * g.outputHeight + y) * g.outputWidth;
                float *row = s.grid + j * gridStride + (size_t)y * g.pitch;
                if (reluOutput) masked_row(row, gradOutput + at, reluOutput + at, g.outputWidth);
                else copy_run(row, gradOutput + at, g.outputWidth);
            }
            if (biasGradient) {
                // The grid row is zero outside the outputs: sum all of it, four vectors at a time.
                dl_vector parts[4] = {{0}, {0}, {0}, {0}};
                const float *row = s.grid + j * gridStride;
                for (int v = 0; v < g.gridVectors; v++) parts[v % 4] += LOAD_VECTOR(row + 16 * v);
                dl_vector total = (parts[0] + parts[1]) + (parts[2] + parts[3]);
                float sum = 0;
                for (int lane = 0; lane < 16; lane++) sum += total[lane];
                biasGradient[f] += sum;
            }
        }
        for (int c = 0; c < channels; c++)
            for (int ky = 0; ky < kernelHeight; ky++)
                for (int kx0 = 0; kx0 < kernelWidth; kx0 += GRADIENT_TAPS) {
                    int count = kernelWidth - kx0 < GRADIENT_TAPS ? kernelWidth - kx0 : GRADIENT_TAPS;
                    const float *x = s.staged + (size_t)c * g.plane + ky * g.pitch + kx0;
                    // sums[j][t] += Σ_o dZ[f_j, o]·x[o + t], 16 partial sums per weight (one per lane).
                    dl_vector sums[GRADIENT_FILTERS][GRADIENT_TAPS];
                    for (int j = 0; j < GRADIENT_FILTERS; j++)
                        for (int t = 0; t < GRADIENT_TAPS; t++) sums[j][t] = (dl_vector){0};
                    for (int o = 0; o < g.gridVectors * 16; o += 16) {
                        dl_vector zs[GRADIENT_FILTERS];
                        for (int j = 0; j < GRADIENT_FILTERS; j++) zs[j] = LOAD_VECTOR(z + j * gridStride + o);
                        for (int t = 0; t < GRADIENT_TAPS; t++) {
                            if (t >= count) break;
                            dl_vector xs = LOAD_VECTOR(x + o + t);
                            for (int j = 0; j < GRADIENT_FILTERS; j++) sums[j][t] += zs[j] * xs;
                        }
                    }
                    int tap = (c * kernelHeight + ky) * kernelWidth + kx0;
                    for (int j = 0; j < GRADIENT_FILTERS; j++)
                        for (int t = 0; t < count; t++) {
                            float *target = s.sums + ((size_t)(block * GRADIENT_FILTERS + j) * g.taps + tap + t) * 16;
                            STORE_VECTOR(target, LOAD_VECTOR(target) + sums[j][t]);
                        }
                }
    }
}

DL_MULTIVERSION
void dl_direct_conv_finish_weight_gradient(int channels, int height, int width, int filters, int kernelHeight,
                                           int kernelWidth, int paddingHeight, int paddingWidth,
                                           const float *scratch, float *gradWeight) {
    direct_grid g = grid_of(channels, height, width, kernelHeight, kernelWidth, paddingHeight, paddingWidth);
    direct_scratch s = split_scratch((float *)scratch, g, channels, kernelWidth);
    for (int f = 0; f < filters; f++)
        for (int tap = 0; tap < g.taps; tap++) {
            const float *lanes = s.sums + ((size_t)f * g.taps + tap) * 16;
            float total = 0;
            for (int lane = 0; lane < 16; lane++) total += lanes[lane];
            gradWeight[(size_t)f * g.taps + tap] = total;
        }
}
