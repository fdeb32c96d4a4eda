// Max and average pooling over independent planes, on grids (position in the plane, channel c, image n).
// Backward passes gather (no atomics), except max pooling's scatter where windows cannot overlap.

// First row of windows covering input row `y`: the smallest o with o·stride − padding + size > y.
int first_window(int y, int size, int stride, int padding) {
    const int reach = y + padding - size + 1;
    return reach <= 0 ? 0 : (reach + stride - 1) / stride;
}

// Grid (output position s, c, n): the window's maximum and its position y·W + x; padding never wins, ties keep
// the first in scan order, and a window without a value above −∞ (all −∞ or NaN) reports its first pixel.
__kernel void max_pool(__global const float* input, __global float* output, __global float* indices,
                       int channels, int height, int width, int size, int stride, int padding,
                       int outputHeight, int outputWidth) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= outputHeight * outputWidth || c >= channels) {
        return;
    }
    const int plane = get_global_id(2) * channels + c;
    const int oy = s / outputWidth;
    const int ox = s - oy * outputWidth;
    __global const float* pixels = input + plane * height * width;
    const int firstY = max(oy * stride - padding, 0), firstX = max(ox * stride - padding, 0);
    float best = -INFINITY;
    int bestIndex = -1;
    for (int y = firstY; y < min(oy * stride - padding + size, height); y++) {
        for (int x = firstX; x < min(ox * stride - padding + size, width); x++) {
            const float value = pixels[y * width + x];
            if (value > best) {
                best = value;
                bestIndex = y * width + x;
            }
        }
    }
    if (bestIndex < 0) {
        bestIndex = firstY * width + firstX;
        best = pixels[bestIndex];
    }
    const int i = plane * outputHeight * outputWidth + s;
    output[i] = best;
    indices[i] = (float)bestIndex;
}

// Grid (input position s, c, n): gradInput[p] = Σ over windows covering p whose recorded maximum is p of
// gradOutput[window]; for overlapping windows (stride < size).
__kernel void max_pool_backward(__global const float* gradOutput, __global const float* indices,
                                __global float* gradInput, int channels, int height, int width, int size,
                                int stride, int padding, int outputHeight, int outputWidth) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= height * width || c >= channels) {
        return;
    }
    const int plane = get_global_id(2) * channels + c;
    const int y = s / width;
    const int x = s - y * width;
    const int windows = plane * outputHeight * outputWidth;
    float sum = 0.0f;
    const int lastY = min((y + padding) / stride, outputHeight - 1);
    const int lastX = min((x + padding) / stride, outputWidth - 1);
    for (int oy = first_window(y, size, stride, padding); oy <= lastY; oy++) {
        for (int ox = first_window(x, size, stride, padding); ox <= lastX; ox++) {
            const int window = windows + oy * outputWidth + ox;
            if ((int)indices[window] == s) {
                sum += gradOutput[window];
            }
        }
    }
    gradInput[plane * height * width + s] = sum;
}

// Grid (output position s, c, n), windows that cannot overlap (stride ≥ size): each window writes its gradient
// to its maximum, the only window reaching that pixel; `gradInput` must be zeroed first.
__kernel void max_pool_backward_scatter(__global const float* gradOutput, __global const float* indices,
                                        __global float* gradInput, int channels, int height, int width,
                                        int outputHeight, int outputWidth) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= outputHeight * outputWidth || c >= channels) {
        return;
    }
    const int plane = get_global_id(2) * channels + c;
    const int window = plane * outputHeight * outputWidth + s;
    const int position = (int)indices[window];
    if (position >= 0) {
        gradInput[plane * height * width + position] = gradOutput[window];
    }
}

// Grid (output position s, c, n): the window's sum divided by size² (padding counts as zeros).
__kernel void avg_pool(__global const float* input, __global float* output, int channels, int height, int width,
                       int size, int stride, int padding, int outputHeight, int outputWidth) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= outputHeight * outputWidth || c >= channels) {
        return;
    }
    const int plane = get_global_id(2) * channels + c;
    const int oy = s / outputWidth;
    const int ox = s - oy * outputWidth;
    __global const float* pixels = input + plane * height * width;
    float sum = 0.0f;
    for (int y = max(oy * stride - padding, 0); y < min(oy * stride - padding + size, height); y++) {
        for (int x = max(ox * stride - padding, 0); x < min(ox * stride - padding + size, width); x++) {
            sum += pixels[y * width + x];
        }
    }
    output[plane * outputHeight * outputWidth + s] = sum / (float)(size * size);
}

// Grid (input position s, c, n): gradInput[p] = Σ over windows covering p of gradOutput[window] / size².
__kernel void avg_pool_backward(__global const float* gradOutput, __global float* gradInput, int channels,
                                int height, int width, int size, int stride, int padding, int outputHeight,
                                int outputWidth) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= height * width || c >= channels) {
        return;
    }
    const int plane = get_global_id(2) * channels + c;
    const int y = s / width;
    const int x = s - y * width;
    __global const float* windows = gradOutput + plane * outputHeight * outputWidth;
    float sum = 0.0f;
    const int lastY = min((y + padding) / stride, outputHeight - 1);
    const int lastX = min((x + padding) / stride, outputWidth - 1);
    for (int oy = first_window(y, size, stride, padding); oy <= lastY; oy++) {
        for (int ox = first_window(x, size, stride, padding); ox <= lastX; ox++) {
            sum += windows[oy * outputWidth + ox];
        }
    }
    gradInput[plane * height * width + s] = sum / (float)(size * size);
}
