// Max and average pooling over independent planes; backward passes gather, so no atomics are needed.

// First row of windows covering input row `y`: the smallest o with o·stride − padding + size > y.
int first_window(int y, int size, int stride, int padding) {
    const int reach = y + padding - size + 1;
    return reach <= 0 ? 0 : (reach + stride - 1) / stride;
}

// One work-item per output: the window's maximum and its position y·W + x; padding never wins.
__kernel void max_pool(__global const float* input, __global float* output, __global float* indices,
                       int height, int width, int size, int stride, int padding,
                       int outputHeight, int outputWidth, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int ox = i % outputWidth;
    const int oy = (i / outputWidth) % outputHeight;
    const int plane = i / (outputWidth * outputHeight);
    __global const float* pixels = input + plane * height * width;
    float best = -INFINITY;
    int bestIndex = -1;
    for (int y = max(oy * stride - padding, 0); y < min(oy * stride - padding + size, height); y++) {
        for (int x = max(ox * stride - padding, 0); x < min(ox * stride - padding + size, width); x++) {
            const float value = pixels[y * width + x];
            if (bestIndex < 0 || value > best) {
                best = value;
                bestIndex = y * width + x;
            }
        }
    }
    output[i] = best;
    indices[i] = (float)bestIndex;
}

// gradInput[p] = Σ over windows covering p whose recorded maximum is p of gradOutput[window].
__kernel void max_pool_backward(__global const float* gradOutput, __global const float* indices,
                                __global float* gradInput, int height, int width, int size, int stride,
                                int padding, int outputHeight, int outputWidth, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int x = i % width;
    const int y = (i / width) % height;
    const int plane = i / (width * height);
    const int position = y * width + x;
    const int windows = plane * outputHeight * outputWidth;
    float sum = 0.0f;
    const int lastY = min((y + padding) / stride, outputHeight - 1);
    const int lastX = min((x + padding) / stride, outputWidth - 1);
    for (int oy = first_window(y, size, stride, padding); oy <= lastY; oy++) {
        for (int ox = first_window(x, size, stride, padding); ox <= lastX; ox++) {
            const int window = windows + oy * outputWidth + ox;
            if ((int)indices[window] == position) {
                sum += gradOutput[window];
            }
        }
    }
    gradInput[i] = sum;
}

// One work-item per output: the window's sum divided by size² (padding counts as zeros).
__kernel void avg_pool(__global const float* input, __global float* output, int height, int width, int size,
                       int stride, int padding, int outputHeight, int outputWidth, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int ox = i % outputWidth;
    const int oy = (i / outputWidth) % outputHeight;
    const int plane = i / (outputWidth * outputHeight);
    __global const float* pixels = input + plane * height * width;
    float sum = 0.0f;
    for (int y = max(oy * stride - padding, 0); y < min(oy * stride - padding + size, height); y++) {
        for (int x = max(ox * stride - padding, 0); x < min(ox * stride - padding + size, width); x++) {
            sum += pixels[y * width + x];
        }
    }
    output[i] = sum / (float)(size * size);
}

// gradInput[p] = Σ over windows covering p of gradOutput[window] / size².
__kernel void avg_pool_backward(__global const float* gradOutput, __global float* gradInput, int height,
                                int width, int size, int stride, int padding, int outputHeight,
                                int outputWidth, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const int x = i % width;
    const int y = (i / width) % height;
    const int plane = i / (width * height);
    __global const float* windows = gradOutput + plane * outputHeight * outputWidth;
    float sum = 0.0f;
    const int lastY = min((y + padding) / stride, outputHeight - 1);
    const int lastX = min((x + padding) / stride, outputWidth - 1);
    for (int oy = first_window(y, size, stride, padding); oy <= lastY; oy++) {
        for (int ox = first_window(x, size, stride, padding); ox <= lastX; ox++) {
            sum += windows[oy * outputWidth + ox];
        }
    }
    gradInput[i] = sum / (float)(size * size);
}
