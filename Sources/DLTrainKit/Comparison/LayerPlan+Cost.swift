extension LayerPlan {
    /// Conv and dense layers compute two GEMMs backward (weights and input), others about one pass.
    private var hasWeights: Bool {
        switch config.kind {
        case .conv, .dense: return true
        default: return false
        }
    }

    /// FLOPs of a backward pass over `batch` samples: twice the forward's for conv and dense layers (the weight
    /// and the input gradient), once for the others and for the first layer, which computes no input gradient.
    func backwardFLOPs(batch: Int) -> Double {
        Double(forwardFLOPs * batch) * (index == 0 || !hasWeights ? 1 : 2)
    }

    /// Bytes a forward pass over `batch` samples cannot avoid moving: the input read, the parameters read and the
    /// output written, each once, as float32 (none for flatten, which only reshapes).
    func forwardBytes(batch: Int) -> Double {
        if case .flatten = config.kind { return 0 }
        return 4 * Double(batch * (inputCount + outputCount) + parameterCount)
    }

    /// Bytes a backward pass over `batch` samples cannot avoid moving, each tensor once, as float32: the output
    /// gradient and the input read and the parameters' gradients written; except in the first layer, also the
    /// input gradient written and the parameters read (a conv or dense layer needs its weights for it).
    func backwardBytes(batch: Int) -> Double {
        if case .flatten = config.kind { return 0 }
        let inputGradient = index == 0 ? 0 : batch * inputCount + parameterCount
        return 4 * Double(batch * (outputCount + inputCount) + parameterCount + inputGradient)
    }

    private var inputCount: Int { inputShape.reduce(1, *) }
    private var outputCount: Int { outputShape.reduce(1, *) }
}
