/// Reading and writing a layer's settings.
extension LayerKind {
    /// Reads the settings of a layer of `type`: the one exhaustive switch over layer types.
    init(_ type: LayerType, _ reader: ObjectReader) throws(ConfigError) {
        switch type {
        case .conv:
            self = .conv(ConvConfig(
                filters: try reader.integer("filters", in: Limits.units),
                size: try reader.integer("size", in: Limits.window),
                stride: try reader.integer("stride", in: Limits.window, default: 1),
                padding: try reader.integer("padding", in: Limits.padding, default: 0),
                bias: try reader.boolean("bias", default: true),
                activation: try LayerKind.fusedActivation(reader)))
        case .maxpool: self = .maxpool(try LayerKind.pool(reader))
        case .avgpool: self = .avgpool(try LayerKind.pool(reader))
        case .globalAvgpool: self = .globalAvgpool
        case .dense:
            self = .dense(DenseConfig(
                units: try reader.integer("units", in: Limits.units),
                bias: try reader.boolean("bias", default: true),
                activation: try LayerKind.fusedActivation(reader)))
        case .flatten: self = .flatten
        case .dropout: self = .dropout(rate: try reader.float("rate", in: .fraction))
        case .batchnorm:
            self = .batchnorm(BatchNormConfig(
                epsilon: try reader.float("epsilon", in: .positive, default: 1e-5),
                momentum: try reader.float("momentum", in: .unitInterval, default: 0.1)))
        case .relu: self = .relu
        case .leakyReLU:
            self = .leakyReLU(slope: try reader.float("slope", in: .fraction, default: ActivationConfig.defaultLeakySlope))
        case .sigmoid: self = .sigmoid
        case .tanh: self = .tanh
        }
    }

    /// The settings as config-file members (after `"type"` and `"name"`).
    var settingsJSON: [JSONMember] {
        switch self {
        case .conv(let conv):
            [JSONMember("filters", .integer(conv.filters)), JSONMember("size", .integer(conv.size)),
             JSONMember("stride", .integer(conv.stride)), JSONMember("padding", .integer(conv.padding)),
             JSONMember("bias", .bool(conv.bias))] + conv.activation.fusedJSON
        case .maxpool(let pool), .avgpool(let pool):
            [JSONMember("size", .integer(pool.size)), JSONMember("stride", .integer(pool.stride)),
             JSONMember("padding", .integer(pool.padding))]
        case .dense(let dense):
            [JSONMember("units", .integer(dense.units)), JSONMember("bias", .bool(dense.bias))] + dense.activation.fusedJSON
        case .dropout(let rate): [JSONMember("rate", .float(rate))]
        case .batchnorm(let norm): [JSONMember("epsilon", .float(norm.epsilon)), JSONMember("momentum", .float(norm.momentum))]
        case .leakyReLU(let slope): [JSONMember("slope", .float(slope))]
        case .globalAvgpool, .flatten, .relu, .sigmoid, .tanh: []
        }
    }

    private static func pool(_ reader: ObjectReader) throws(ConfigError) -> PoolConfig {
        let size = try reader.integer("size", in: Limits.window)
        let pool = PoolConfig(
            size: size,
            stride: try reader.optionalInteger("stride", in: Limits.window),
            padding: try reader.integer("padding", in: Limits.padding, default: 0))
        guard pool.padding <= size / 2 else {
            throw ConfigError(
                path: reader.path(of: "padding"),
                "expected at most half the window size (\(size / 2)), got \(pool.padding)")
        }
        return pool
    }

    /// `"activation"` (default linear) with `"activation_slope"`, which only a leaky ReLU accepts.
    private static func fusedActivation(_ reader: ObjectReader) throws(ConfigError) -> ActivationConfig {
        let name = try reader.optional("activation", default: .linear) { value, path throws(ConfigError) in
            try value.choice(of: ActivationConfig.Name.self, at: path, noun: "activation")
        }
        let slope = try reader.optionalFloat("activation_slope", in: .fraction)
        if slope != nil, name != .leakyReLU {
            throw ConfigError(
                path: reader.path(of: "activation_slope"),
                "only applies to \"activation\": \"leaky_relu\", got \"activation\": \"\(name.rawValue)\"")
        }
        return name.activation(slope: slope ?? ActivationConfig.defaultLeakySlope)
    }
}
