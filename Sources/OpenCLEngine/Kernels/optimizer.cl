// Optimizer updates, applied on the device to every parameter element.

// SGD as PyTorch: g = grad + wd·p; v = μ·v + g; p −= lr·(nesterov ? g + μ·v : v).
__kernel void sgd_step(__global float* parameter, __global const float* gradient, __global float* velocity,
                       float learningRate, float momentum, float weightDecay, int nesterov, int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    const float g = gradient[i] + weightDecay * parameter[i];
    const float v = momentum * velocity[i] + g;
    velocity[i] = v;
    parameter[i] -= learningRate * (nesterov ? g + momentum * v : v);
}

// Adam (g = grad + wd·p) or AdamW (p −= lr·wd·p first): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
// p −= lr·(m/c1)/(sqrt(v/c2) + ε) with the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t.
__kernel void adam_step(__global float* parameter, __global const float* gradient, __global float* firstMoment,
                        __global float* secondMoment, float learningRate, float beta1, float beta2,
                        float epsilon, float weightDecay, int decoupled, float correction1, float correction2,
                        int count) {
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    float p = parameter[i];
    float g = gradient[i];
    if (decoupled) {
        p -= learningRate * weightDecay * p;
    } else {
        g += weightDecay * p;
    }
    const float m = beta1 * firstMoment[i] + (1.0f - beta1) * g;
    const float v = beta2 * secondMoment[i] + (1.0f - beta2) * g * g;
    firstMoment[i] = m;
    secondMoment[i] = v;
    parameter[i] = p - learningRate * (m / correction1) / (sqrt(v / correction2) + epsilon);
}
