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

    /// Offers this step's update of every parameter to its layer, for plain SGD (Adam offers none): a layer that
    /// applies it in the backward pass, as soon as it has the gradient, saves a pass over the weights
    /// (`Dense`), and `step` updates only the parameters no layer did. Call before the backward pass, with the
    /// learning rate `step` will get; nothing may read the gradients in between (a non-finite loss withdraws the
    /// offers: `Network.computeGradients`).
    func offerUpdates(learningRate: Float) {
        guard case let .sgd(momentum, nesterov, weightDecay) = rule else { return }
        for (parameter, state) in zip(parameters, stateTensors) {
            parameter.update = .offered(SGDStep(velocity: state[0], learningRate: learningRate, momentum: momentum,
                                                weightDecay: weightDecay, nesterov: nesterov))
        }
    }

    /// Leaves every parameter's next update to the optimizer again: after a step that ended part-way (a thrown
    /// error), so that no stale offer is applied by a later backward pass.
    func clearOffers() {
        for parameter in parameters { parameter.update = .optimizer }
    }

    /// Updates every parameter from its gradient with `learningRate`, except those their layer already updated.
    public func step(learningRate: Float) throws {
        stepCount += 1
        for (parameter, state) in zip(parameters, stateTensors) {
            let update = parameter.update
            parameter.update = .optimizer
            if case .appliedByLayer = update { continue }
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
