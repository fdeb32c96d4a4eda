/// A whole network's shapes and costs, checked layer by layer from the input shape before any data is read.
public struct NetworkPlan: Sendable, Equatable {
    /// The shape of one input image: [C, H, W].
    public var inputShape: [Int]
    /// The layers in order.
    public var layers: [LayerPlan]

    /// Plans `network` for inputs shaped by `input`. The last layer must output a flat vector of at least 2
    /// logits, one per class.
    public init(input: InputConfig, network: [LayerConfig]) throws(ConfigError) {
        inputShape = input.shape
        layers = []
        var shape = inputShape
        for (index, layer) in network.enumerated() {
            let plan = try LayerPlan(index: index, config: layer, inputShape: shape)
            layers.append(plan)
            shape = plan.outputShape
        }
        guard let last = layers.last else {
            throw ConfigError(path: "network", "expected at least one layer, got an empty array")
        }
        guard last.outputShape.count == 1, last.outputShape[0] >= 2 else {
            let got = last.outputShape.count == 1 ? "1 logit" : "an image output of \(LayerPlan.describe(last.outputShape))"
            throw ConfigError(
                path: "network[\(last.index)]",
                "the last layer must output one logit per class (at least 2, flat), got \(got)")
        }
        guard parameterCount <= Limits.maximumCount else {
            throw ConfigError(path: "network", "expected at most \(Limits.maximumCount) parameters, got \(parameterCount)")
        }
    }

    /// The number of classes: the last layer's output size.
    public var classCount: Int { layers.last?.outputShape.first ?? 0 }

    /// Trainable values in all layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// FLOPs of a forward pass for one sample.
    public var forwardFLOPs: Int { layers.reduce(0) { $0 + $1.forwardFLOPs } }

    /// The first layer with parameters (0 when none has any): the backward pass ends there, computing no input
    /// gradient, as `Network` runs it.
    public var firstTrainableIndex: Int { layers.firstIndex { $0.parameterCount > 0 } ?? 0 }
}

extension Config {
    /// Checks every layer's shapes and works out parameters and FLOPs; `load` has already done this once.
    public func plan() throws(ConfigError) -> [LayerPlan] {
        try NetworkPlan(input: data.input, network: network).layers
    }

    /// The network's plan with totals and the summary table.
    public func networkPlan() throws(ConfigError) -> NetworkPlan {
        try NetworkPlan(input: data.input, network: network)
    }
}
