#include "CVectorKernels.h"

#include <stdint.h>
#include <stdlib.h>

#include "vector_support.h"

/// Tiles handled per block by the kernels that index tiles through a small table.
enum { TILE_BLOCK = 1024 };

/// offsets[t] = the top-left corner in a plane of tile first + t (tiles m pixels apart, tileColumns per row).
static inline __attribute__((always_inline)) void tile_offsets(int first, int count, int tileColumns, int m,
                                                               ptrdiff_t width, int *offsets) {
    for (int t = 0; t < count; t++)
        offsets[t] = (int)(((first + t) / tileColumns) * m * width + ((first + t) % tileColumns) * m);
}

/// staged[r·width + c] = plane[(stride·r + top)·pitch + stride·c + left] where that row lies in [0, rowEnd) and that
/// column in [0, columnEnd), else 0: one zero-bordered plane, small enough to stay in L1 while its tiles are read.
/// With `bordersReady` the zeros are already there (the same bounds staged before) and only the inside is copied.
static inline __attribute__((always_inline)) void stage_plane(const float *restrict plane, int pitch, int stride,
                                                              int top, int left, int rowEnd, int columnEnd,
                                                              int height, int width, int bordersReady,
                                                              float *restrict staged) {
    if (rowEnd < 0) rowEnd = 0;  // nothing inside: every row is border
    // Columns c with 0 ≤ stride·c + left < columnEnd.
    int low = left >= 0 ? 0 : (stride - 1 - left) / stride;
    int high = columnEnd > left ? (columnEnd - left + stride - 1) / stride : 0;
    low = low < width ? low : width;
    high = high < low ? low : high < width ? high : width;
    for (int r = 0; r < height; r++) {
        float *restrict out = staged + (ptrdiff_t)r * width;
        int row = stride * r + top;
        if ((unsigned)row >= (unsigned)rowEnd) {
            if (!bordersReady)
                for (int c = 0; c < width; c++) out[c] = 0;
            continue;
        }
        const float *restrict line = plane + (ptrdiff_t)row * pitch;
        if (!bordersReady) {
            for (int c = 0; c < low; c++) out[c] = 0;
            for (int c = high; c < width; c++) out[c] = 0;
        }
        if (stride == 1)
            copy_run(out + low, line + low + left, high - low);
        else
#pragma clang loop vectorize(disable)
            for (int c = low; c < high; c++) out[c] = line[stride * c + left];
    }
}

/// Two-vector shuffles that transpose 16 tiles × 8 floats (two tiles per vector) into 8 vectors of 16 tiles: the
/// first four and last four floats of four tiles, then two floats of eight tiles, then one float of all sixteen.
#define TILES_CONCAT 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define TILES_LOW_FOUR 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27
#define TILES_HIGH_FOUR 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31
#define TILES_EVEN_PAIR 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29
#define TILES_ODD_PAIR 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31
#define TILES_FIRST 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define TILES_SECOND 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31

/// out[j·stride + t] = row[offsets[t] + j] for 16 tiles t and j < alpha ≤ 8. Reads 8 floats from each offset.
static inline __attribute__((always_inline)) void transpose_16_tiles(const float *row, const int *offsets, int alpha,
                                                                      float *out, ptrdiff_t stride) {
    dl_vector pairs[8], low[4], high[4];
    for (int k = 0; k < 8; k++)
        pairs[k] = __builtin_shufflevector(LOAD_HALF(row + offsets[2 * k]), LOAD_HALF(row + offsets[2 * k + 1]),
                                           TILES_CONCAT);
    for (int p = 0; p < 4; p++) {
        low[p] = __builtin_shufflevector(pairs[2 * p], pairs[2 * p + 1], TILES_LOW_FOUR);
        high[p] = __builtin_shufflevector(pairs[2 * p], pairs[2 * p + 1], TILES_HIGH_FOUR);
    }
    // For j = 0, 2, 4, 6: halves[j] = [float j of tiles 0–7 | float j + 1 of tiles 0–7], halves[j + 1] the same
    // for tiles 8–15.
    dl_vector halves[8] = {
        __builtin_shufflevector(low[0], low[1], TILES_EVEN_PAIR),
        __builtin_shufflevector(low[2], low[3], TILES_EVEN_PAIR),
        __builtin_shufflevector(low[0], low[1], TILES_ODD_PAIR),
        __builtin_shufflevector(low[2], low[3], TILES_ODD_PAIR),
        __builtin_shufflevector(high[0], high[1], TILES_EVEN_PAIR),
        __builtin_shufflevector(high[2], high[3], TILES_EVEN_PAIR),
        __builtin_shufflevector(high[0], high[1], TILES_ODD_PAIR),
        __builtin_shufflevector(high[2], high[3], TILES_ODD_PAIR)};
    for (int q = 0; q < 4 && 2 * q < alpha; q++) {
        STORE_VECTOR(out + 2 * q * stride, __builtin_shufflevector(halves[2 * q], halves[2 * q + 1], TILES_FIRST));
        if (2 * q + 1 < alpha)
            STORE_VECTOR(out + (2 * q + 1) * stride,
                         __builtin_shufflevector(halves[2 * q], halves[2 * q + 1], TILES_SECOND));
    }
}

DL_MULTIVERSION
void dl_gather_tiles(const float *planes, ptrdiff_t sampleStride, int pitch, int stride, int top, int left,
                     int rowEnd, int columnEnd, int samples, int tileRows, int tileColumns, int m, int alpha,
                     float *staged, float *target, ptrdiff_t targetStride) {
    int tiles = tileRows * tileColumns;
    int width = tileColumns * m + alpha - m;  // the staged plane: every tile's α×α pixels
    int offsets[TILE_BLOCK];  // a tile's top-left corner in the staged plane, for a block of a sample's tiles
    for (int s = 0; s < samples; s++) {
        // Every sample has the same border: zeroed with the first one.
        stage_plane(planes + s * sampleStride, pitch, stride, top, left, rowEnd, columnEnd,
                    tileRows * m + alpha - m, width, s > 0, staged);
        for (int first = 0; first < tiles; first += TILE_BLOCK) {
            int count = tiles - first < TILE_BLOCK ? tiles - first : TILE_BLOCK;
            if (s == 0 || tiles > TILE_BLOCK) tile_offsets(first, count, tileColumns, m, width, offsets);
            int transposed = alpha <= 8 ? count / 16 * 16 : 0;  // tiles taken 16 at a time
            for (int i = 0; i < alpha; i++) {
                float *out = target + (ptrdiff_t)i * alpha * targetStride + (ptrdiff_t)s * tiles + first;
                for (int t = 0; t < transposed; t += 16)
                    transpose_16_tiles(staged + i * width, offsets + t, alpha, out + t, targetStride);
                for (int j = 0; j < alpha; j++) {
                    const float *restrict source = staged + i * width + j;
                    float *restrict rest = out + j * targetStride;
                    for (int t = transposed; t < count; t++) rest[t] = source[offsets[t]];
                }
            }
        }
    }
}

DL_MULTIVERSION
void dl_scatter_add_tiles(const float *source, ptrdiff_t sourceStride, float *planes, ptrdiff_t sampleStride,
                          ptrdiff_t width, int samples, int tileRows, int tileColumns, int m, int alpha) {
    int tiles = tileRows * tileColumns;
    int offsets[TILE_BLOCK];
    for (int first = 0; first < tiles; first += TILE_BLOCK) {
        int count = tiles - first < TILE_BLOCK ? tiles - first : TILE_BLOCK;
        tile_offsets(first, count, tileColumns, m, width, offsets);
        for (int i = 0; i < alpha; i++)
            for (int j = 0; j < alpha; j++)
                for (int s = 0; s < samples; s++) {
                    const float *restrict in = source + (i * alpha + j) * sourceStride + (ptrdiff_t)s * tiles + first;
                    float *restrict plane = planes + s * sampleStride + i * width + j;
                    // Tiles start m pixels apart: for one (i, j) no two write the same pixel.
#pragma clang loop vectorize(assume_safety)
                    for (int t = 0; t < count; t++) plane[offsets[t]] += in[t];
                }
    }
}

DL_MULTIVERSION
void dl_store_output_tiles(const float *source, ptrdiff_t sourceStride, float *planes, ptrdiff_t sampleStride,
                           int height, int width, int samples, int tileRows, int tileColumns, int m) {
    ptrdiff_t index[TILE_BLOCK];  // where output column x of a row sits in the tile layout
    for (int first = 0; first < width; first += TILE_BLOCK) {
        int count = width - first < TILE_BLOCK ? width - first : TILE_BLOCK;
        for (int x = 0; x < count; x++)
            index[x] = ((first + x) % m) * sourceStride + (first + x) / m;
        for (int s = 0; s < samples; s++)
            for (int y = 0; y < height; y++) {
                const float *restrict in =
                    source + (y % m) * m * sourceStride + ((ptrdiff_t)s * tileRows + y / m) * tileColumns;
                float *restrict line = planes + s * sampleStride + (ptrdiff_t)y * width + first;
                for (int x = 0; x < count; x++) line[x] = in[index[x]];
            }
    }
}

DL_MULTIVERSION
void dl_load_output_tiles(const float *planes, ptrdiff_t sampleStride, int height, int width, int samples,
                          int tileRows, int tileColumns, int m, float *target, ptrdiff_t targetStride) {
    int tiles = tileRows * tileColumns;
    int rows[TILE_BLOCK], columns[TILE_BLOCK];  // a tile's top-left output pixel
    for (int first = 0; first < tiles; first += TILE_BLOCK) {
        int count = tiles - first < TILE_BLOCK ? tiles - first : TILE_BLOCK;
        for (int t = 0; t < count; t++) {
            rows[t] = ((first + t) / tileColumns) * m;
            columns[t] = ((first + t) % tileColumns) * m;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                for (int s = 0; s < samples; s++) {
                    const float *restrict plane = planes + s * sampleStride;
                    float *restrict out = target + (i * m + j) * targetStride + (ptrdiff_t)s * tiles + first;
                    for (int t = 0; t < count; t++) {
                        int row = rows[t] + i, column = columns[t] + j;
                        out[t] = row < height && column < width ? plane[row * width + column] : 0;
                    }
                }
    }
}

DL_MULTIVERSION
void dl_max_pool_planes(const float *source, int planes, int height, int width, int size, int stride,
                        int outputHeight, int outputWidth, float *output, float *indices) {
    // Space to depth: each plane is split into stride × stride phases, phase (ry, rx) holding the pixels
    // (stride·i + ry, stride·j + rx) at i·pitch + j. Window tap (ky, kx) of output (oy, ox) is then phase
    // (ky % stride, kx % stride) at oy·pitch + ox + (ky / stride)·pitch + kx / stride: with outputs numbered
    // o = oy·pitch + ox, every tap reads the same contiguous run at a fixed shift, and 16 outputs at a time keep
    // their maxima and winning taps in registers across the window. The pitch - outputWidth columns between rows
    // (and the lanes past the last output) are computed and dropped; phase cells without a pixel hold −∞.
    int reach = (size - 1) / stride;  // how many phase cells a window extends past its first
    ptrdiff_t pitch = (width + stride - 1) / stride;
    if (pitch < outputWidth + reach) pitch = outputWidth + reach;
    ptrdiff_t outputs = (ptrdiff_t)outputHeight * pitch, vectors = (outputs + 15) / 16;
    ptrdiff_t phaseRows = (height + stride - 1) / stride;
    ptrdiff_t phaseSize = vectors * 16 + reach * pitch + reach;  // the farthest cell a computed lane reads, + 1
    if (phaseSize < phaseRows * pitch) phaseSize = phaseRows * pitch;
    phaseSize = (phaseSize + 15) / 16 * 16;
    int phases = stride * stride, taps = size * size;
    ptrdiff_t staged = phases * phaseSize + 2 * vectors * 16;
    // One allocation: the phases, a plane's maxima and winners (by output number), and per tap its shift in the
    // phases and its offset from the window's first pixel.
    float *buffer = malloc((size_t)staged * sizeof(float) + (size_t)taps * (sizeof(ptrdiff_t) + sizeof(float)));
    if (!buffer) __builtin_trap();
    float *maxima = buffer + phases * phaseSize, *winners = maxima + vectors * 16;
    ptrdiff_t *tapShift = (ptrdiff_t *)(buffer + staged);  // staged is a multiple of 16 floats: aligned
    float *tapOffset = (float *)(tapShift + taps);
    for (int ky = 0; ky < size; ky++)
        for (int kx = 0; kx < size; kx++) {
            tapShift[ky * size + kx] =
                (ptrdiff_t)((ky % stride) * stride + kx % stride) * phaseSize + (ky / stride) * pitch + kx / stride;
            tapOffset[ky * size + kx] = (float)(ky * width + kx);
        }
    for (ptrdiff_t i = 0; i < phases * phaseSize; i++) buffer[i] = -__builtin_inff();
    dl_vector minusInfinity, zeros = {0};
    for (int lane = 0; lane < 16; lane++) minusInfinity[lane] = -__builtin_inff();
    for (int plane = 0; plane < planes; plane++) {
        const float *in = source + (ptrdiff_t)plane * height * width;
        for (int y = 0, ry = 0, row = 0; y < height; y++) {  // y = stride·row + ry
            const float *restrict line = in + (ptrdiff_t)y * width;
            for (int rx = 0; rx < stride; rx++) {
                float *restrict phase = buffer + (ptrdiff_t)(ry * stride + rx) * phaseSize + (ptrdiff_t)row * pitch;
                ptrdiff_t length = (width - rx + stride - 1) / stride;
                if (stride == 2)
                    for (ptrdiff_t j = 0; j < length; j++) phase[j] = line[rx + 2 * j];
                else
                    for (ptrdiff_t j = 0; j < length; j++) phase[j] = line[rx + stride * j];
            }
            if (++ry == stride) {
                ry = 0;
                row++;
            }
        }
        for (ptrdiff_t v = 0; v < vectors * 16; v += 16) {
            dl_vector best = minusInfinity, winner = zeros;  // winner: the tap's offset from the window's corner
            for (int tap = 0; tap < taps; tap++) {
                dl_vector candidate = LOAD_VECTOR(buffer + tapShift[tap] + v);
                dl_mask wins = candidate > best;
                best = SELECT(wins, candidate, best);
                if (indices) winner = SELECT(wins, zeros + tapOffset[tap], winner);
            }
            STORE_VECTOR(maxima + v, best);
            if (indices) STORE_VECTOR(winners + v, winner);
        }
        float *out = output + (ptrdiff_t)plane * outputHeight * outputWidth;
        for (int oy = 0; oy < outputHeight; oy++) {
            const float *restrict rowMaxima = maxima + oy * pitch, *restrict rowWinners = winners + oy * pitch;
            float *restrict rowOut = out + (ptrdiff_t)oy * outputWidth;
            int empty = 0;
            for (int ox = 0; ox < outputWidth; ox++) {
                rowOut[ox] = rowMaxima[ox];
                empty |= !(rowMaxima[ox] > -__builtin_inff());
            }
            if (indices) {
                float *restrict rowAt = indices + ((ptrdiff_t)plane * outputHeight + oy) * outputWidth;
                float corner = (float)((ptrdiff_t)oy * stride * width);
                for (int ox = 0; ox < outputWidth; ox++) rowAt[ox] = corner + (float)(ox * stride) + rowWinners[ox];
            }
            // A window where nothing beat −∞ (all −∞ or NaN) reports its first pixel, read by an exact index.
            if (empty)
                for (int ox = 0; ox < outputWidth; ox++)
                    if (!(rowOut[ox] > -__builtin_inff()))
                        rowOut[ox] = in[(ptrdiff_t)oy * stride * width + ox * stride];
        }
    }
    free(buffer);
}

DL_MULTIVERSION
void dl_max_pool_2x2_plane(const float *source, int width, int outputHeight, int outputWidth, float *output,
                           float *indices) {
    for (int oy = 0; oy < outputHeight; oy++) {
        const float *restrict top = source + (ptrdiff_t)2 * oy * width;
        const float *restrict bottom = top + width;
        float *restrict out = output + (ptrdiff_t)oy * outputWidth;
        float *restrict at = indices ? indices + (ptrdiff_t)oy * outputWidth : 0;
        float offset = (float)(2 * oy * width);
        for (int ox = 0; ox < outputWidth; ox++) {
            float a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1];
            float left = offset + (float)(2 * ox);
            // From −∞, as dl_max_pool_planes: a NaN never wins, even first.
            float best = -__builtin_inff(), where = left;
            int wins = a > best;
            best = wins ? a : best;
            wins = b > best;
            best = wins ? b : best;
            where = wins ? left + 1 : where;
            wins = c > best;
            best = wins ? c : best;
            where = wins ? left + (float)width : where;
            wins = d > best;
            best = wins ? d : best;
            where = wins ? left + (float)(width + 1) : where;
            out[ox] = best > -__builtin_inff() ? best : a;  // nothing above −∞ (all −∞ or NaN): the first pixel
            if (at) at[ox] = where;
        }
    }
}

DL_MULTIVERSION
void dl_max_pool_2x2_backward_plane(const float *gradOutput, const float *indices, int height, int width,
                                    int outputHeight, int outputWidth, float *gradInput) {
    for (int oy = 0; oy < outputHeight; oy++) {
        float *restrict top = gradInput + (ptrdiff_t)2 * oy * width;
        float *restrict bottom = top + width;
        const float *restrict dy = gradOutput + (ptrdiff_t)oy * outputWidth;
        const float *restrict at = indices + (ptrdiff_t)oy * outputWidth;
        float offset = (float)(2 * oy * width);
        for (int ox = 0; ox < outputWidth; ox++) {
            float inside = at[ox] - (offset + (float)(2 * ox));  // 0, 1, width or width + 1 (exact)
            float g = dy[ox];
            top[2 * ox] = inside == 0 ? g : 0;
            top[2 * ox + 1] = inside == 1 ? g : 0;
            bottom[2 * ox] = inside == (float)width ? g : 0;
            bottom[2 * ox + 1] = inside == (float)(width + 1) ? g : 0;
        }
        for (int x = 2 * outputWidth; x < width; x++) {
            top[x] = 0;
            bottom[x] = 0;
        }
    }
    for (ptrdiff_t i = (ptrdiff_t)2 * outputHeight * width; i < (ptrdiff_t)height * width; i++) gradInput[i] = 0;
}

#ifdef __FAST_MATH__
#error "the fused SGD step matches sgdStep bit for bit only without fast math (which also ignores fp contract(off))"
#endif

/// sgdStep's update of one weight `*w` from its gradient, in the engine's order (g = grad + wd·w; v = μ·v + g;
/// w −= lr·(nesterov ? g + μ·v : v)), each product and sum rounded on its own, as the Swift loop rounds them, so
/// that the fused and the separate step agree bit for bit (unless the build forces -ffp-contract=fast).
static inline __attribute__((always_inline)) void sgd_step_scalar(const dl_sgd_step *s, float grad, float *w,
                                                                   float *velocity) {
#pragma clang fp contract(off)
    float g = grad + s->weightDecay * *w;
    float v = s->momentum * *velocity + g;
    *velocity = v;
    *w -= s->learningRate * (s->nesterov ? g + s->momentum * v : v);
}

/// sgd_step_scalar on 16 weights whose values are already in `*weights` (passed by address: a vector argument's
/// ABI differs between the clones).
static inline __attribute__((always_inline)) void sgd_step_vector(const dl_sgd_step *s, const dl_vector *weights,
                                                                   const dl_vector *grad, float *w, float *velocity) {
#pragma clang fp contract(off)
    dl_vector g = *grad + s->weightDecay * *weights;
    dl_vector v = s->momentum * LOAD_VECTOR(velocity) + g;
    STORE_VECTOR(velocity, v);
    dl_vector step = s->nesterov ? g + s->momentum * v : v;
    STORE_VECTOR(w, *weights - s->learningRate * step);
}

/// How many weight rows ahead dl_skinny_dense_backward prefetches. A block's piece of each weight row (256 B to
/// 1 KB) is too short a run for the hardware prefetchers to follow from row to row, so the kernel asks for the rows
/// 16 ahead itself (1.1-1.3x faster than 4 KB blocks left to the hardware, measured).
enum { DENSE_PREFETCH_ROWS = 16 };

/// `rows` weight rows against `vecs` 16-column vectors at a time (both constants after inlining): their weight
/// gradients gw[r][t] = Σ_b dZ[b, n + r]·x[b][t], streamed out once (or, when `withUpdate`, applied at once to the
/// weights and velocities by sgd_step_vector), and (when `withInput`) the input-gradient sums s[b][t] +=
/// Σ_r dZ[b, n + r]·w[r][t], read and written once per `rows` rows. Each sum starts from its stored value, so the
/// step's only arithmetic is FMAs; two vectors per step (with four rows: eight independent weight-gradient chains)
/// share each broadcast of dZ between two columns.
#define DENSE_BACKWARD_STEP(rows, vecs, withInput, withUpdate)                                                     \
    do {                                                                                                           \
        dl_vector weights[rows][vecs], gradient[rows][vecs];                                                       \
        for (int r = 0; r < rows; r++)                                                                             \
            for (int u = 0; u < vecs; u++) {                                                                       \
                weights[r][u] = LOAD_VECTOR(w + r * ldw + 16 * (v + u));                                           \
                ptrdiff_t ahead = (DENSE_PREFETCH_ROWS + r) * ldw + 16 * (v + u);                                  \
                if (n + DENSE_PREFETCH_ROWS + r < units) {                                                         \
                    if (withUpdate) {                                                                              \
                        __builtin_prefetch(w + ahead, 1, 1);                                                       \
                        __builtin_prefetch(velocity + ahead, 1, 1);                                                \
                    } else {                                                                                       \
                        __builtin_prefetch(w + ahead, 0, 1);                                                       \
                    }                                                                                              \
                }                                                                                                  \
                gradient[r][u] = (dl_vector){0};                                                                   \
            }                                                                                                      \
        for (int b = 0; b < batch; b++)                                                                            \
            for (int u = 0; u < vecs; u++) {                                                                       \
                dl_vector x = LOAD_VECTOR(inputs + b * pitch + 16 * (v + u));                                     \
                float *target = sums + b * pitch + 16 * (v + u);                                                   \
                dl_vector sum = withInput ? LOAD_VECTOR(target) : (dl_vector){0};                                  \
                for (int r = 0; r < rows; r++) {                                                                   \
                    float scale = z[r * lanes + b];                                                                \
                    gradient[r][u] += scale * x;                                                                   \
                    if (withInput) sum += scale * weights[r][u];                                                   \
                }                                                                                                  \
                if (withInput) STORE_VECTOR(target, sum);                                                          \
            }                                                                                                      \
        for (int r = 0; r < rows; r++)                                                                             \
            for (int u = 0; u < vecs; u++) {                                                                       \
                ptrdiff_t at = r * ldw + 16 * (v + u);                                                             \
                if (withUpdate) {                                                                                  \
                    sgd_step_vector(update, &weights[r][u], &gradient[r][u], w + at, velocity + at);              \
                    continue;                                                                                      \
                }                                                                                                  \
                float *out = gw + r * ldgw + 16 * (v + u);                                                         \
                if (streaming) __builtin_nontemporal_store(gradient[r][u], (dl_vector *)out);                     \
                else STORE_VECTOR(out, gradient[r][u]);                                                            \
            }                                                                                                      \
    } while (0)

/// `rows` weight rows (a constant after inlining) against one block: two vectors per step when `wide`, else one,
/// then the tail columns.
#define DENSE_BACKWARD_ROWS(rows, withInput, withUpdate)                                                           \
    do {                                                                                                           \
        const float *z = gradLanes + (ptrdiff_t)n * lanes;                                                         \
        float *w = weight + n * ldw + first;                                                                       \
        float *velocity = withUpdate ? update->velocity + n * ldw + first : NULL;                                  \
        float *gw = withUpdate ? NULL : gradWeight + n * ldgw + first;                                             \
        int streaming = ((uintptr_t)gw & 63) == 0 && ((ldgw * (ptrdiff_t)sizeof(float)) & 63) == 0;               \
        int v = 0;                                                                                                 \
        if (wide)                                                                                                  \
            for (; v + 2 <= vectors; v += 2) DENSE_BACKWARD_STEP(rows, 2, withInput, withUpdate);                  \
        for (; v < vectors; v++) DENSE_BACKWARD_STEP(rows, 1, withInput, withUpdate);                              \
        for (int r = 0; r < rows; r++)                                                                             \
            for (int t = 16 * vectors; t < width; t++) {                                                           \
                float total = 0;                                                                                   \
                for (int b = 0; b < batch; b++) {                                                                  \
                    total += z[r * lanes + b] * inputs[b * pitch + t];                                             \
                    if (withInput) sums[b * pitch + t] += z[r * lanes + b] * w[r * ldw + t];                       \
                }                                                                                                  \
                if (withUpdate) sgd_step_scalar(update, total, w + r * ldw + t, velocity + r * ldw + t);          \
                else gw[r * ldgw + t] = total;                                                                     \
            }                                                                                                      \
    } while (0)

/// All weight rows against one block, four at a time.
static inline __attribute__((always_inline)) void dense_backward_block(
    int batch, int lanes, int units, const float *gradLanes, const float *inputs, int pitch, float *weight,
    ptrdiff_t ldw, float *gradWeight, ptrdiff_t ldgw, const dl_sgd_step *update, float *sums, int first, int width,
    int withInput, int withUpdate, int wide) {
    int vectors = width / 16, n = 0;
    for (; n + 4 <= units; n += 4) DENSE_BACKWARD_ROWS(4, withInput, withUpdate);
    for (; n < units; n++) DENSE_BACKWARD_ROWS(1, withInput, withUpdate);
}

DL_MULTIVERSION
void dl_skinny_dense_backward(int batch, int units, const float *gradLanes, const float *input, ptrdiff_t ldx,
                              float *weight, ptrdiff_t ldw, float *gradWeight, ptrdiff_t ldgw,
                              const dl_sgd_step *update, float *gradInput, ptrdiff_t ldgx, int firstColumn,
                              int endColumn) {
    if (batch < 1 || batch > 64) __builtin_trap();  // the lanes and the block copies hold at most 64 rows
    // The copies of a block's inputs and input-gradient sums (15-20 KB apiece, 34-40 KB together) stay in a 48 KB
    // L1 next to the weights in flight. A step stores sums row b and then loads inputs row b + 1: where two such
    // rows lie a multiple of 1024 floats apart they share an address modulo 4 KB, and the load waits for the store
    // (4K aliasing; 3x slower measured). A pitch of block + 16 floats with the sums right after the inputs keeps
    // every such pair off those distances at every batch (a 16-float gap between the copies would not at 16 rows).
    int lanes = dl_lanes(batch), block = dl_dense_backward_block_columns(batch), pitch = block + 16;
    float *inputs = malloc(2 * (size_t)lanes * pitch * sizeof(float));
    if (!inputs) __builtin_trap();
    float *sums = inputs + lanes * pitch;
    // Two vectors per step hold 16 accumulators and weights: with 32 vector registers (the x86-64-v4 clone) about
    // 1.1x faster than one vector on dense1's shape; with 16 (AVX2, baseline) they spill, 1.3x slower (measured).
    int wide = DL_WIDE_REGISTERS();
    for (int first = firstColumn; first < endColumn; first += block) {
        int width = endColumn - first < block ? endColumn - first : block;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < width; t++) inputs[b * pitch + t] = input[b * ldx + first + t];
        if (gradInput)
            for (int i = 0; i < batch * pitch; i++) sums[i] = 0;
        // Each combination of the flags is its own instance, with the flags constant.
#define DENSE_BACKWARD_BLOCK(withInput, withUpdate)                                                                \
    dense_backward_block(batch, lanes, units, gradLanes, inputs, pitch, weight, ldw, gradWeight, ldgw, update,      \
                         sums, first, width, withInput, withUpdate, wide)
        if (update && gradInput) DENSE_BACKWARD_BLOCK(1, 1);
        else if (update) DENSE_BACKWARD_BLOCK(0, 1);
        else if (gradInput) DENSE_BACKWARD_BLOCK(1, 0);
        else DENSE_BACKWARD_BLOCK(0, 0);
#undef DENSE_BACKWARD_BLOCK
        if (gradInput)
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < width; t++) gradInput[b * ldgx + first + t] = sums[b * pitch + t];
    }
    free(inputs);
#if defined(__x86_64__)
    __builtin_ia32_sfence();  // the streamed weight gradient is visible before the caller's threads read it
#endif
}

DL_MULTIVERSION
void dl_transpose_to_lanes(int M, int K, const float *A, ptrdiff_t lda, float *target) {
    int lanes = dl_lanes(M);
    for (int k = 0; k < K; k++)
        for (int m = 0; m < lanes; m++) target[(ptrdiff_t)k * lanes + m] = m < M ? A[m * lda + k] : 0;
}

/// Eight output columns at once: eight accumulators of 16 lanes (the rows of C), each weight broadcast once.
static inline __attribute__((always_inline)) void skinny_columns(int count, int K, const float *transposedA,
                                                                 const float *B, ptrdiff_t ldb, dl_vector *sums) {
    const float *rows[8];
    for (int j = 0; j < 8; j++) rows[j] = B + (j < count ? j : 0) * ldb;
    dl_vector s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
    for (int k = 0; k < K; k++) {
        if ((k & 15) == 0 && k + 128 < K)
            for (int j = 0; j < count; j++) __builtin_prefetch(rows[j] + k + 128, 0, 3);
        dl_vector a = LOAD_VECTOR(transposedA + (ptrdiff_t)k * 16);
        s0 += rows[0][k] * a;
        s1 += rows[1][k] * a;
        s2 += rows[2][k] * a;
        s3 += rows[3][k] * a;
        s4 += rows[4][k] * a;
        s5 += rows[5][k] * a;
        s6 += rows[6][k] * a;
        s7 += rows[7][k] * a;
    }
    sums[0] = s0; sums[1] = s1; sums[2] = s2; sums[3] = s3;
    sums[4] = s4; sums[5] = s5; sums[6] = s6; sums[7] = s7;
}

DL_MULTIVERSION
void dl_skinny_gemm_nt(int M, int K, const float *transposedA, const float *B, ptrdiff_t ldb, float alpha, float beta,
                       float *C, ptrdiff_t ldc, int firstColumn, int endColumn) {
    for (int n = firstColumn; n < endColumn; n += 8) {
        int count = endColumn - n < 8 ? endColumn - n : 8;
        dl_vector sums[8];
        skinny_columns(count, K, transposedA, B + (ptrdiff_t)n * ldb, ldb, sums);
        for (int j = 0; j < count; j++)
            for (int m = 0; m < M; m++) {
                float value = alpha * sums[j][m];
                float *c = C + m * ldc + n + j;
                *c = beta == 0 ? value : value + beta * *c;
            }
    }
}
