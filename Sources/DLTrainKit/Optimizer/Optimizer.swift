import Engine

/// Applies an `UpdateRule` to every parameter of a network, on the engine; keeps its state there too.
public final class Optimizer {
    /// The update rule.
    public let rule: UpdateRule
    /// Steps taken so far (Adam's bias correction uses it; checkpoints save it).
    public var stepCount = 0

    private let engine: ComputeEngine
    private let parameters: [Parameter]
    private let stateTensors: [[Tensor]]

    /// Creates zeroed state for each of `parameters`.
    public init(rule: UpdateRule, parameters: [Parameter], engine: ComputeEngine) throws {
        self.rule = rule
        self.parameters = parameters
        self.engine = engine
        stateTensors = try parameters.map { parameter in
            try rule.stateNames.map { suffix in
                let tensor = try engine.makeTensor(parameter.value.shape, label: "optimizer.\(parameter.name).\(suffix)")
                try engine.fill(tensor, with: 0)
                return tensor
            }
        }
    }

    /// State tensors keyed by checkpoint name: `optimizer.conv1.weight.momentum`.
    public var namedState: [(name: String, tensor: Tensor)] {
        zip(parameters, stateTensors).flatMap { parameter, tensors in
            zip(rule.stateNames, tensors).map { ("optimizer.\(parameter.name).\($0)", $1) }
        }
    }

    /// Updates every parameter from its gradient with `learningRate`.
    public func step(learningRate: Float) throws {
        stepCount += 1
        for (parameter, state) in zip(parameters, stateTensors) {
            switch rule {
            case let .sgd(momentum, nesterov, weightDecay):
                try engine.sgdStep(parameter: parameter.value, gradient: parameter.gradient, velocity: state[0],
                                   learningRate: learningRate, momentum: momentum, weightDecay: weightDecay,
                                   nesterov: nesterov)
            case let .adam(beta1, beta2, epsilon, weightDecay, decoupled):
                try engine.adamStep(parameter: parameter.value, gradient: parameter.gradient,
                                    firstMoment: state[0], secondMoment: state[1], learningRate: learningRate,
                                    beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                                    decoupledWeightDecay: decoupled, step: stepCount)
            }
        }
    }
}
