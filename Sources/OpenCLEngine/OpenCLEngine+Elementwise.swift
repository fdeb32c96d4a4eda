import Engine

extension OpenCLEngine {
    public func activate(_ activation: Activation, _ input: Tensor, into output: Tensor) throws {
        let count = input.count
        try launch("activate", items: count, [
            try buffer(input, atLeast: count, "activate input"), try buffer(output, atLeast: count, "activate output"),
            try int(count, "activate size"),
        ] + Self.arguments(activation))
    }

    // gradInput = gradOutput·f′(y): relu 1[y>0], leaky 1 or slope, sigmoid y(1−y), tanh 1−y².
    public func activationBackward(_ activation: Activation, output: Tensor, gradOutput: Tensor,
                                   into gradInput: Tensor) throws {
        let count = output.count
        try launch("activation_backward", items: count, [
            try buffer(output, atLeast: count, "activationBackward output"),
            try buffer(gradOutput, atLeast: count, "activationBackward gradOutput"),
            try buffer(gradInput, atLeast: count, "activationBackward gradInput"),
            try int(count, "activationBackward size"),
        ] + Self.arguments(activation))
    }

    public func multiply(_ a: Tensor, _ b: Tensor, into output: Tensor) throws {
        let count = output.count
        try launch("multiply", items: count, [
            try buffer(a, atLeast: count, "multiply a"), try buffer(b, atLeast: count, "multiply b"),
            try buffer(output, atLeast: count, "multiply output"), try int(count, "multiply size"),
        ])
    }

    public func dropoutMask(_ mask: Tensor, rate: Float, seed: UInt64) throws {
        try launch("dropout_mask", items: mask.count, [
            try buffer(mask, atLeast: mask.count, "dropoutMask"), try int(mask.count, "dropoutMask size"),
            .ulong(seed), .float(rate), .float(1 / (1 - rate)),
        ])
    }

    /// The kernels' activation code and slope (`ACTIVATION_*` in `elementwise.cl`).
    private static func arguments(_ activation: Activation) -> [KernelArgument] {
        switch activation {
        case .relu: return [.int(0), .float(0)]
        case let .leakyReLU(slope): return [.int(1), .float(slope)]
        case .sigmoid: return [.int(2), .float(0)]
        case .tanh: return [.int(3), .float(0)]
        }
    }
}
