// Elementwise ops: activations, products, dropout masks, bias.

#define ACTIVATION_RELU 0
#define ACTIVATION_LEAKY_RELU 1
#define ACTIVATION_SIGMOID 2
#define ACTIVATION_TANH 3

// `output = f(input)`; `output` may be `input`.
__kernel void activate(__global const float* input, __global float* output, int count, int kind, float slope) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const float x = input[i];
    float y;
    switch (kind) {
    case ACTIVATION_RELU: y = x > 0.0f ? x : 0.0f; break;
    case ACTIVATION_LEAKY_RELU: y = x > 0.0f ? x : slope * x; break;
    case ACTIVATION_SIGMOID: y = 1.0f / (1.0f + exp(-x)); break;
    default: y = tanh(x); break;
    }
    output[i] = y;
}

// `gradInput = gradOutput·f′(y)` from the forward output y: relu 1[y>0], leaky 1 or slope, sigmoid y(1−y),
// tanh 1−y².
__kernel void activation_backward(__global const float* output, __global const float* gradOutput,
                                  __global float* gradInput, int count, int kind, float slope) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const float y = output[i];
    float derivative;
    switch (kind) {
    case ACTIVATION_RELU: derivative = y > 0.0f ? 1.0f : 0.0f; break;
    case ACTIVATION_LEAKY_RELU: derivative = y > 0.0f ? 1.0f : slope; break;
    case ACTIVATION_SIGMOID: derivative = y * (1.0f - y); break;
    default: derivative = 1.0f - y * y; break;
    }
    gradInput[i] = gradOutput[i] * derivative;
}

// `output = a·b`; `output` may alias either input.
__kernel void multiply(__global const float* a, __global const float* b, __global float* output, int count) {
    const int i = get_global_id(0);
    if (i < count) {
        output[i] = a[i] * b[i];
    }
}

// DropoutHash.uniform(seed, i) in 64-bit integers, so every engine draws the same mask bit for bit.
__kernel void dropout_mask(__global float* mask, int count, ulong seed, float rate, float scale) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    ulong z = seed + (ulong)i * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    z ^= z >> 31;
    const float uniform = (float)(z >> 40) * (1.0f / 16777216.0f);
    mask[i] = uniform >= rate ? scale : 0.0f;
}

// Grid (s, c, n): `tensor[n,c,s] += bias[c]`.
__kernel void add_bias(__global const float* bias, __global float* tensor, int channels, int spatial) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s < spatial && c < channels) {
        tensor[(get_global_id(2) * channels + c) * spatial + s] += bias[c];
    }
}
