// Convolution layout ops: im2col, col2im (a gather, no atomics), channel/batch-major transposes, bias gradient.

// One work-item per column-matrix entry (row (c·KH + ky)·KW + kx, column (n·OH + oy)·OW + ox); padding reads 0.
__kernel void im2col(__global const float* input, __global float* columns, int channels, int height, int width,
                     int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                     int paddingHeight, int paddingWidth, int outputHeight, int outputWidth,
                     int columnCount, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int row = i / columnCount;
    const int column = i - row * columnCount;
    const int kx = row % kernelWidth;
    const int ky = (row / kernelWidth) % kernelHeight;
    const int c = row / (kernelWidth * kernelHeight);
    const int ox = column % outputWidth;
    const int oy = (column / outputWidth) % outputHeight;
    const int n = column / (outputWidth * outputHeight);
    const int y = oy * strideHeight - paddingHeight + ky;
    const int x = ox * strideWidth - paddingWidth + kx;
    const bool inside = y >= 0 && y < height && x >= 0 && x < width;
    columns[i] = inside ? input[((n * channels + c) * height + y) * width + x] : 0.0f;
}

// The adjoint of im2col: each input pixel sums the column entries that read it (the windows covering it).
__kernel void col2im(__global const float* columns, __global float* gradInput, int channels, int height, int width,
                     int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                     int paddingHeight, int paddingWidth, int outputHeight, int outputWidth,
                     int columnCount, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int x = i % width;
    const int y = (i / width) % height;
    const int c = (i / (width * height)) % channels;
    const int n = i / (width * height * channels);
    float sum = 0.0f;
    for (int ky = 0; ky < kernelHeight; ky++) {
        const int ty = y + paddingHeight - ky;
        if (ty < 0 || ty % strideHeight != 0 || ty / strideHeight >= outputHeight) {
            continue;
        }
        const int oy = ty / strideHeight;
        for (int kx = 0; kx < kernelWidth; kx++) {
            const int tx = x + paddingWidth - kx;
            if (tx < 0 || tx % strideWidth != 0 || tx / strideWidth >= outputWidth) {
                continue;
            }
            const int row = (c * kernelHeight + ky) * kernelWidth + kx;
            const int column = (n * outputHeight + oy) * outputWidth + tx / strideWidth;
            sum += columns[row * columnCount + column];
        }
    }
    gradInput[i] = sum;
}

// `destination[n,c,s] = source[c,n,s]`, one work-item per destination element.
__kernel void channel_major_to_batch_major(__global const float* source, __global float* destination,
                                           int batch, int channels, int spatial, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int s = i % spatial;
    const int c = (i / spatial) % channels;
    const int n = i / (spatial * channels);
    destination[i] = source[(c * batch + n) * spatial + s];
}

// `destination[c,n,s] = source[n,c,s]`, one work-item per destination element.
__kernel void batch_major_to_channel_major(__global const float* source, __global float* destination,
                                           int batch, int channels, int spatial, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int s = i % spatial;
    const int n = (i / spatial) % batch;
    const int c = i / (spatial * batch);
    destination[i] = source[(n * channels + c) * spatial + s];
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
