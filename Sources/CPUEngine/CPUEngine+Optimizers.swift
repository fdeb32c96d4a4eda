import Engine
import Foundation

extension CPUEngine {
    public func sgdStep(parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float,
                        momentum: Float, weightDecay: Float, nesterov: Bool) throws {
        let (p, grad, v) = (try cpu(parameter).data, try cpu(gradient).data, try cpu(velocity).data)
        try requireSameCount(parameter, gradient, op: "sgdStep")
        try requireSameCount(parameter, velocity, op: "sgdStep")
        loop.forEach(parameter.count, itemCost: 4) { range in
            for i in range {
                // g = grad + wd·p; v = μ·v + g; p −= lr·(nesterov ? g + μ·v : v)
                let g = grad[i] + weightDecay * p[i]
                let velocity = momentum * v[i] + g
                v[i] = velocity
                p[i] -= learningRate * (nesterov ? g + momentum * velocity : velocity)
            }
        }
    }

    public func adamStep(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
                         learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
                         decoupledWeightDecay: Bool, step: Int) throws {
        let (p, grad) = (try cpu(parameter).data, try cpu(gradient).data)
        let (m, v) = (try cpu(firstMoment).data, try cpu(secondMoment).data)
        try requireSameCount(parameter, gradient, op: "adamStep")
        try requireSameCount(parameter, firstMoment, op: "adamStep")
        try requireSameCount(parameter, secondMoment, op: "adamStep")
        guard step >= 1 else { throw EngineError.invalidArgument("adamStep: step \(step) must be at least 1") }
        // lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + ε) = stepSize·m / (sqrt(v)·rootScale + ε), one division.
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), Double(step))))
        let rootScale = Float(1 / (1 - pow(Double(beta2), Double(step))).squareRoot())
        let (coupledDecay, decoupledDecay) = decoupledWeightDecay ? (0, learningRate * weightDecay) : (weightDecay, 0)
        loop.forEach(parameter.count, itemCost: 6) { range in
            for i in range {
                // AdamW: p −= lr·wd·p; Adam: g = grad + wd·p.
                let decayed = p[i] - decoupledDecay * p[i]
                let g = grad[i] + coupledDecay * decayed
                // m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + ε)
                let first = beta1 * m[i] + (1 - beta1) * g
                let second = beta2 * v[i] + (1 - beta2) * g * g
                m[i] = first
                v[i] = second
                p[i] = decayed - stepSize * first / (second.squareRoot() * rootScale + epsilon)
            }
        }
    }
}
