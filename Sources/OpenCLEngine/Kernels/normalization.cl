// Batch normalisation over N·S entries per channel of a [N,C,S] tensor; statistics reduce on the device.

// Sums `expression` (reading index `at`) over the N·S entries of channel `c`, split across the work-group.
#define CHANNEL_SUM(result, expression)                                             \
    {                                                                               \
        float partial = 0.0f;                                                       \
        for (int j = get_local_id(0); j < entries; j += get_local_size(0)) {        \
            const int n = j / spatial;                                              \
            const int at = (n * channels + c) * spatial + (j - n * spatial);         \
            partial += (expression);                                                \
        }                                                                           \
        result = group_sum(scratch, partial);                                       \
    }

// One work-group per channel: mean, invStd = 1/sqrt(var + ε) (biased, two passes), running statistics
// `(1 − momentum)·running + momentum·batch` with the unbiased variance.
__kernel void batch_norm_statistics(__global const float* input, int batch, int channels, int spatial,
                                    float epsilon, float momentum, __global float* runningMean,
                                    __global float* runningVariance, __global float* savedMean,
                                    __global float* savedInvStd, __local float* scratch) {
    const int c = get_group_id(0);
    const int entries = batch * spatial;
    float sum;
    CHANNEL_SUM(sum, input[at]);
    const float mean = sum / (float)entries;
    float squares;
    CHANNEL_SUM(squares, (input[at] - mean) * (input[at] - mean));
    const float variance = squares / (float)entries;
    if (get_local_id(0) == 0) {
        const float unbiased = entries > 1 ? squares / (float)(entries - 1) : variance;
        savedMean[c] = mean;
        savedInvStd[c] = 1.0f / sqrt(variance + epsilon);
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
        runningVariance[c] = (1.0f - momentum) * runningVariance[c] + momentum * unbiased;
    }
}

// Grid (s, c, n): `y = gamma·(x − mean)·invStd + beta` with per-channel mean and invStd.
__kernel void batch_norm_apply(__global const float* input, __global float* output, __global const float* gamma,
                               __global const float* beta, __global const float* mean,
                               __global const float* invStd, int channels, int spatial) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= spatial || c >= channels) {
        return;
    }
    const int i = (get_global_id(2) * channels + c) * spatial + s;
    output[i] = gamma[c] * (input[i] - mean[c]) * invStd[c] + beta[c];
}

// Grid (s, c, n): `y = gamma·(x − runningMean)/sqrt(runningVariance + ε) + beta`.
__kernel void batch_norm_inference(__global const float* input, __global float* output,
                                   __global const float* gamma, __global const float* beta,
                                   __global const float* runningMean, __global const float* runningVariance,
                                   float epsilon, int channels, int spatial) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= spatial || c >= channels) {
        return;
    }
    const int i = (get_global_id(2) * channels + c) * spatial + s;
    output[i] = gamma[c] * (input[i] - runningMean[c]) / sqrt(runningVariance[c] + epsilon) + beta[c];
}

// One work-group per channel: dβ = Σ dy, dγ = Σ dy·x̂ with x̂ = (x − mean)·invStd.
__kernel void batch_norm_backward_reduce(__global const float* gradOutput, __global const float* input,
                                         __global const float* mean, __global const float* invStd,
                                         int batch, int channels, int spatial, __global float* gradGamma,
                                         __global float* gradBeta, __local float* scratch) {
    const int c = get_group_id(0);
    const int entries = batch * spatial;
    const float channelMean = mean[c];
    const float channelInvStd = invStd[c];
    float sumGrad;
    CHANNEL_SUM(sumGrad, gradOutput[at]);
    float sumGradXHat;
    CHANNEL_SUM(sumGradXHat, gradOutput[at] * (input[at] - channelMean) * channelInvStd);
    if (get_local_id(0) == 0) {
        gradBeta[c] = sumGrad;
        gradGamma[c] = sumGradXHat;
    }
}

// Grid (s, c, n): dx = γ·invStd/M·(M·dy − dβ − x̂·dγ), M = N·S.
__kernel void batch_norm_backward_apply(__global const float* gradOutput, __global const float* input,
                                        __global const float* gamma, __global const float* mean,
                                        __global const float* invStd, __global const float* gradGamma,
                                        __global const float* gradBeta, __global float* gradInput,
                                        int channels, int spatial, int entries) {
    const int s = get_global_id(0);
    const int c = get_global_id(1);
    if (s >= spatial || c >= channels) {
        return;
    }
    const int i = (get_global_id(2) * channels + c) * spatial + s;
    const float m = (float)entries;
    const float xHat = (input[i] - mean[c]) * invStd[c];
    gradInput[i] = gamma[c] * invStd[c] / m * (m * gradOutput[i] - gradBeta[c] - xHat * gradGamma[c]);
}
