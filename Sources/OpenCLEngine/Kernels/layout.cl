// Convolution layout ops: im2col, col2im (a gather, no atomics), channel/batch-major transposes, bias gradient.

// Grid (output position s = oy·OW + ox, channel c, image n): each work-item writes the KH·KW column entries of
// its window, rows (c·KH + ky)·KW + kx of column (n·OH + oy)·OW + ox; padding reads 0.
__kernel void im2col(__global const float* input, __global float* columns, int channels, int height, int width,
                     int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                     int paddingHeight, int paddingWidth, int outputHeight, int outputWidth, int columnCount) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (s >= outputHeight * outputWidth || c >= channels) {
        return;
    }
    const int oy = s / outputWidth;
    const int y0 = oy * strideHeight - paddingHeight;
    const int x0 = (s - oy * outputWidth) * strideWidth - paddingWidth;
    __global const float* plane = input + (n * channels + c) * height * width;
    __global float* column = columns + c * kernelHeight * kernelWidth * columnCount
                             + n * outputHeight * outputWidth + s;
    for (int ky = 0; ky < kernelHeight; ky++) {
        const int y = y0 + ky;
        for (int kx = 0; kx < kernelWidth; kx++) {
            const int x = x0 + kx;
            const bool inside = y >= 0 && y < height && x >= 0 && x < width;
            column[(ky * kernelWidth + kx) * columnCount] = inside ? plane[y * width + x] : 0.0f;
        }
    }
}

// The adjoint of im2col, grid (input position s = y·W + x, channel c, image n): each input pixel sums the column
// entries that read it, visiting only the windows oy with 0 ≤ y + padding − oy·stride < KH (likewise ox).
__kernel void col2im(__global const float* columns, __global float* gradInput, int channels, int height, int width,
                     int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                     int paddingHeight, int paddingWidth, int outputHeight, int outputWidth, int columnCount) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (s >= height * width || c >= channels) {
        return;
    }
    const int y = s / width + paddingHeight;
    const int x = s - (s / width) * width + paddingWidth;
    const int firstY = y < kernelHeight ? 0 : (y - kernelHeight) / strideHeight + 1;
    const int endY = min(y / strideHeight + 1, outputHeight);
    const int firstX = x < kernelWidth ? 0 : (x - kernelWidth) / strideWidth + 1;
    const int endX = min(x / strideWidth + 1, outputWidth);
    __global const float* channelRows = columns + c * kernelHeight * kernelWidth * columnCount
                                        + n * outputHeight * outputWidth;
    float sum = 0.0f;
    for (int oy = firstY; oy < endY; oy++) {
        const int ky = y - oy * strideHeight;
        for (int ox = firstX; ox < endX; ox++) {
            const int kx = x - ox * strideWidth;
            sum += channelRows[(ky * kernelWidth + kx) * columnCount + oy * outputWidth + ox];
        }
    }
    gradInput[(n * channels + c) * height * width + s] = sum;
}

// Grid (s, c, n): `destination[n,c,s] = source[c,n,s]`.
__kernel void channel_major_to_batch_major(__global const float* source, __global float* destination,
                                           int batch, int channels, int spatial) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (s < spatial && c < channels) {
        destination[(n * channels + c) * spatial + s] = source[(c * batch + n) * spatial + s];
    }
}

// Grid (s, c, n): `destination[c,n,s] = source[n,c,s]`.
__kernel void batch_major_to_channel_major(__global const float* source, __global float* destination,
                                           int batch, int channels, int spatial) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (s < spatial && c < channels) {
        destination[(c * batch + n) * spatial + s] = source[(n * channels + c) * spatial + s];
    }
}

// `gradBias[c] = Σ_{n,s} gradOutput[n,c,s]`: one work-group per channel.
__kernel void bias_gradient(__global const float* gradOutput, __global float* gradBias,
                            int batch, int channels, int spatial, __local float* scratch) {
    const int c = get_group_id(0);
    const int entries = batch * spatial;
    float sum = 0.0f;
    for (int j = get_local_id(0); j < entries; j += get_local_size(0)) {
        const int n = j / spatial;
        sum += gradOutput[(n * channels + c) * spatial + (j - n * spatial)];
    }
    const float total = group_sum(scratch, sum);
    if (get_local_id(0) == 0) {
        gradBias[c] = total;
    }
}
