import Engine

/// Builds a `Network` on an engine from the config's layer list, one exhaustive `switch` over layer kinds.
public enum NetworkBuilder {
    /// Creates every layer with seeded initial parameters. The layer list must have passed shape inference
    /// (`Config.plan()`), which reports bad shapes with their JSON paths.
    public static func build(layers configs: [LayerConfig], inputShape: Shape, seed: UInt64,
                             engine: ComputeEngine) throws -> Network {
        var initializer = ParameterInitializer(seed: seed)
        var shape = inputShape
        var layers: [Layer] = []
        for config in configs {
            let layer = try makeLayer(config, inputShape: shape, engine: engine, initializer: &initializer)
            layers.append(layer)
            shape = layer.outputShape
        }
        return Network(layers: layers, inputShape: inputShape, engine: engine)
    }

    private static func makeLayer(_ config: LayerConfig, inputShape: Shape, engine: ComputeEngine,
                                  initializer: inout ParameterInitializer) throws -> Layer {
        let name = config.name
        switch config.kind {
        case let .conv(conv):
            return try Conv2D(name: name, inputShape: inputShape, filters: conv.filters, size: conv.size,
                              stride: conv.stride, padding: conv.padding, bias: conv.bias,
                              activation: conv.activation.engineActivation, engine: engine,
                              initializer: &initializer)
        case let .dense(dense):
            return try Dense(name: name, inputShape: inputShape, units: dense.units, bias: dense.bias,
                             activation: dense.activation.engineActivation, engine: engine,
                             initializer: &initializer)
        case let .maxpool(pool):
            return Pool2D(name: name, method: .max, inputShape: inputShape, size: pool.size,
                          stride: pool.stride, padding: pool.padding, engine: engine)
        case let .avgpool(pool):
            return Pool2D(name: name, method: .average, inputShape: inputShape, size: pool.size,
                          stride: pool.stride, padding: pool.padding, engine: engine)
        case .globalAvgpool:
            return try GlobalAvgPool(name: name, inputShape: inputShape, engine: engine)
        case .flatten:
            return Flatten(name: name, inputShape: inputShape)
        case let .dropout(rate):
            return Dropout(name: name, inputShape: inputShape, rate: rate, engine: engine)
        case let .batchnorm(batchNorm):
            return try BatchNorm(name: name, inputShape: inputShape, epsilon: batchNorm.epsilon,
                                 momentum: batchNorm.momentum, engine: engine)
        case .relu, .leakyReLU, .sigmoid, .tanh:
            guard let activation = config.kind.activation?.engineActivation else {
                preconditionFailure("activation layers always have an activation")
            }
            return ActivationLayer(name: name, inputShape: inputShape, activation: activation, engine: engine)
        }
    }
}

extension ActivationConfig {
    /// The engine's activation, or nil for `linear`.
    var engineActivation: Activation? {
        switch self {
        case .linear: return nil
        case .relu: return .relu
        case let .leakyReLU(slope): return .leakyReLU(slope: slope)
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        }
    }
}
