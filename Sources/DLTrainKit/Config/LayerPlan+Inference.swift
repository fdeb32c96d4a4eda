/// Shape inference: each layer's output shape, parameters and FLOPs from its input shape, or an error that names
/// the layer's JSON path.
extension LayerPlan {
    /// Plans `config`, the layer at `index` of `"network"`, for one sample shaped `inputShape`.
    init(index: Int, config: LayerConfig, inputShape: [Int]) throws(ConfigError) {
        let path = "network[\(index)]"
        let elements = inputShape.reduce(1, *)
        var outputShape = inputShape
        var parameters = [[0]]
        var flops = [[elements]]
        switch config.kind {
        case .conv(let conv):
            let (channels, height, width) = try LayerPlan.image(inputShape, for: "conv", at: path)
            let (outHeight, outWidth) = try LayerPlan.window(
                conv.size, stride: conv.stride, padding: conv.padding, height: height, width: width, at: path)
            outputShape = [conv.filters, outHeight, outWidth]
            parameters = [[conv.filters, channels, conv.size, conv.size], [conv.bias ? conv.filters : 0]]
            flops = [[2, conv.filters, outHeight, outWidth, channels, conv.size, conv.size]]
        case .maxpool(let pool), .avgpool(let pool):
            let (channels, height, width) = try LayerPlan.image(inputShape, for: config.kind.type.rawValue, at: path)
            let (outHeight, outWidth) = try LayerPlan.window(
                pool.size, stride: pool.stride, padding: pool.padding, height: height, width: width, at: path)
            outputShape = [channels, outHeight, outWidth]
            flops = [[channels, outHeight, outWidth, pool.size, pool.size]]
        case .globalAvgpool:
            let (channels, _, _) = try LayerPlan.image(inputShape, for: "global_avgpool", at: path)
            outputShape = [channels]
        case .dense(let dense):
            outputShape = [dense.units]
            parameters = [[elements, dense.units], [dense.bias ? dense.units : 0]]
            flops = [[2, elements, dense.units]]
        case .flatten:
            outputShape = [elements]
            flops = [[0]]
        case .batchnorm:
            parameters = [[2, inputShape[0]]]
            flops = [[2, elements]]
        case .dropout, .relu, .leakyReLU, .sigmoid, .tanh:
            break
        }
        self.index = index
        self.name = config.name
        self.config = config
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.parameterCount = try LayerPlan.total(parameters, of: "parameters", at: path)
        self.forwardFLOPs = try LayerPlan.total(flops, of: "FLOPs", at: path, limit: Int.max)
        _ = try LayerPlan.total([outputShape], of: "output values", at: path)
    }

    /// The channels, height and width of an image input, or the error for a layer that needs one.
    private static func image(_ shape: [Int], for type: String, at path: String) throws(ConfigError) -> (Int, Int, Int) {
        guard shape.count == 3 else {
            throw ConfigError(
                path: path, "\(type) needs an image input (C×H×W), got a flat input of \(shape[0]) features")
        }
        return (shape[0], shape[1], shape[2])
    }

    /// The output height and width of a `size`×`size` window sliding over a padded input (floor, as PyTorch).
    private static func window(
        _ size: Int, stride: Int, padding: Int, height: Int, width: Int, at path: String
    ) throws(ConfigError) -> (Int, Int) {
        guard size <= height + 2 * padding, size <= width + 2 * padding else {
            throw ConfigError(
                path: path + ".size",
                "\(size)×\(size) window does not fit the \(height)×\(width) input (padding \(padding))")
        }
        return ((height + 2 * padding - size) / stride + 1, (width + 2 * padding - size) / stride + 1)
    }

    /// The sum of the products of `terms`, or an error when it exceeds `limit` (or overflows).
    private static func total(
        _ terms: [[Int]], of what: String, at path: String, limit: Int = Limits.maximumCount
    ) throws(ConfigError) -> Int {
        var sum = 0
        for term in terms {
            var product = 1
            for factor in term {
                let (next, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow, next <= limit else { throw tooLarge(what, at: path, limit: limit) }
                product = next
            }
            let (next, overflow) = sum.addingReportingOverflow(product)
            guard !overflow, next <= limit else { throw tooLarge(what, at: path, limit: limit) }
            sum = next
        }
        return sum
    }

    private static func tooLarge(_ what: String, at path: String, limit: Int) -> ConfigError {
        ConfigError(path: path, "the layer's \(what) exceed the limit of \(limit)")
    }
}
