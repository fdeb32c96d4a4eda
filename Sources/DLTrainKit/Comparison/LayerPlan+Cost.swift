extension LayerPlan {
    /// FLOPs of a backward pass over `batch` samples in a network whose first layer with parameters is
    /// `firstTrainable`: twice the forward's for conv and dense layers (the weight and the input gradient), once
    /// for the other layers. The backward pass ends at `firstTrainable`, which computes no input gradient: a conv
    /// or dense layer there does its weight gradient alone; the layers below it do nothing. Batch norm there keeps
    /// its count, a multiply-add per element as its forward's: its two reductions, Σdy and Σdy·x̂, still take at
    /// least that; only dx is skipped.
    func backwardFLOPs(batch: Int, firstTrainable: Int) -> Double {
        guard index >= firstTrainable else { return 0 }
        let (forward, endsThePass) = (Double(forwardFLOPs * batch), index == firstTrainable)
        switch config.kind {
        case .conv, .dense: return endsThePass ? forward : 2 * forward
        case .maxpool, .avgpool, .globalAvgpool: return endsThePass ? 0 : forward
        default: return forward
        }
    }

    /// Bytes a forward pass over `batch` samples moves when each tensor it touches is read or written once, as
    /// float32: the input and the parameters read, the output written, and what training keeps for the backward
    /// pass (max pooling's winning positions, dropout's mask). Flatten only reshapes.
    func forwardBytes(batch: Int) -> Double {
        let (input, output) = (batch * inputCount, batch * outputCount)
        switch config.kind {
        case .flatten: return 0
        case .maxpool, .dropout: return 4 * Double(input + 2 * output)
        default: return 4 * Double(input + parameterCount + output)
        }
    }

    /// Bytes a backward pass over `batch` samples moves when each tensor it touches is read or written once, as
    /// float32, as the layers run it: the output gradient read and the input gradient written (in place for
    /// dropout and activations), with what each kind reads besides — a conv or dense layer's input, its output for
    /// a fused activation, its weights for the input gradient, and its weight gradient written; max pooling's
    /// positions; batch norm's input, scale and parameter gradients; an activation's output; dropout's mask. As in
    /// `backwardFLOPs`, nothing below `firstTrainable`, and no input gradient from the layer there.
    func backwardBytes(batch: Int, firstTrainable: Int) -> Double {
        let (input, output, parameters) = (batch * inputCount, batch * outputCount, parameterCount)
        guard index >= firstTrainable else { return 0 }
        let endsThePass = index == firstTrainable
        let floats: Int
        switch config.kind {
        case .conv(let conv): floats = weightedBackward(conv.activation, input, output, endsThePass: endsThePass)
        case .dense(let dense): floats = weightedBackward(dense.activation, input, output, endsThePass: endsThePass)
        case .maxpool: floats = endsThePass ? 0 : 2 * output + input
        case .avgpool, .globalAvgpool: floats = endsThePass ? 0 : output + input
        case .batchnorm: floats = output + input + (endsThePass ? 0 : input) + 2 * parameters
        case .dropout, .relu, .leakyReLU, .sigmoid, .tanh: floats = 2 * output + input
        case .flatten: floats = 0
        }
        return 4 * Double(floats)
    }

    /// A conv or dense layer's backward floats: dY and X read, dW written, Y read for a fused activation, and
    /// unless the layer ends the backward pass, W read and dX written.
    private func weightedBackward(_ activation: ActivationConfig, _ input: Int, _ output: Int,
                                  endsThePass: Bool) -> Int {
        let inputGradient = endsThePass ? 0 : parameterCount + input
        return output + input + parameterCount + (activation == .linear ? 0 : output) + inputGradient
    }

    private var inputCount: Int { inputShape.reduce(1, *) }
    private var outputCount: Int { outputShape.reduce(1, *) }
}
