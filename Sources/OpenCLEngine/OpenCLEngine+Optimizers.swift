import Foundation
import Engine

extension OpenCLEngine {
    public func sgdStep(parameter: Tensor, gradient: Tensor, velocity: Tensor, learningRate: Float,
                        momentum: Float, weightDecay: Float, nesterov: Bool) throws {
        let count = parameter.count
        try launch("sgd_step", items: count, [
            try buffer(parameter, atLeast: count, "sgdStep parameter"),
            try buffer(gradient, atLeast: count, "sgdStep gradient"),
            try buffer(velocity, atLeast: count, "sgdStep velocity"),
            .float(learningRate), .float(momentum), .float(weightDecay), .int(nesterov ? 1 : 0),
            try int(count, "sgdStep size"),
        ])
    }

    public func adamStep(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
                         learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
                         decoupledWeightDecay: Bool, step: Int) throws {
        guard step >= 1 else { throw EngineError.invalidArgument("adamStep: step \(step) must be at least 1") }
        let count = parameter.count
        let correction1 = Float(1 - pow(Double(beta1), Double(step)))
        let correction2 = Float(1 - pow(Double(beta2), Double(step)))
        try launch("adam_step", items: count, [
            try buffer(parameter, atLeast: count, "adamStep parameter"),
            try buffer(gradient, atLeast: count, "adamStep gradient"),
            try buffer(firstMoment, atLeast: count, "adamStep firstMoment"),
            try buffer(secondMoment, atLeast: count, "adamStep secondMoment"),
            .float(learningRate), .float(beta1), .float(beta2), .float(epsilon), .float(weightDecay),
            .int(decoupledWeightDecay ? 1 : 0), .float(correction1), .float(correction2),
            try int(count, "adamStep size"),
        ])
    }
}
