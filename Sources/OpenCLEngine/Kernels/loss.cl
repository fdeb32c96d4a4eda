// Softmax cross-entropy and reductions whose only results the host downloads: a few scalars.

// One work-item per row n: writes gradLogits = (softmax − onehot)/N, rowStats[n] = −log softmax[label] and
// rowStats[N + n] = 1 when the first largest logit is at the label (labels are class indices as floats).
__kernel void softmax_cross_entropy_rows(__global const float* logits, __global const float* labels,
                                         __global float* gradLogits, __global float* rowStats,
                                         int batch, int classes) {
    const int n = get_global_id(0);
    if (n >= batch) {
        return;
    }
    __global const float* row = logits + n * classes;
    __global float* gradient = gradLogits + n * classes;
    float largest = row[0];
    int predicted = 0;
    for (int k = 1; k < classes; k++) {
        if (row[k] > largest) {
            largest = row[k];
            predicted = k;
        }
    }
    float sum = 0.0f;
    for (int k = 0; k < classes; k++) {
        sum += exp(row[k] - largest);
    }
    const int label = (int)labels[n];
    for (int k = 0; k < classes; k++) {
        const float probability = exp(row[k] - largest) / sum;
        gradient[k] = (probability - (k == label ? 1.0f : 0.0f)) / (float)batch;
    }
    const bool known = label >= 0 && label < classes;
    rowStats[n] = known ? log(sum) - (row[label] - largest) : NAN;
    rowStats[batch + n] = predicted == label ? 1.0f : 0.0f;
}

// One work-group per segment g: sums[g] = Σ values[g·length ..< (g + 1)·length].
__kernel void sum_segments(__global const float* values, int length, __global float* sums,
                           __local float* scratch) {
    const int g = get_group_id(0);
    float partial = 0.0f;
    for (int j = get_local_id(0); j < length; j += get_local_size(0)) {
        partial += values[g * length + j];
    }
    const float total = group_sum(scratch, partial);
    if (get_local_id(0) == 0) {
        sums[g] = total;
    }
}

// Each work-group g of G sums x² over a grid-strided share of the tensor into partials[g].
__kernel void sum_squares_partial(__global const float* x, int count, __global float* partials,
                                  __local float* scratch) {
    const int stride = get_num_groups(0) * get_local_size(0);
    float partial = 0.0f;
    for (int i = get_global_id(0); i < count; i += stride) {
        partial += x[i] * x[i];
    }
    const float total = group_sum(scratch, partial);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}
