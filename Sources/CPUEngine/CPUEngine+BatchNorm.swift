import Engine

extension CPUEngine {
    public func batchNormTraining(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                                  gamma: Tensor, beta: Tensor, epsilon: Float, momentum: Float,
                                  runningMean: Tensor, runningVariance: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor, into output: Tensor) throws {
        let (x, y) = (try cpu(input).data, try cpu(output).data)
        let (scale, shift) = (try cpu(gamma).data, try cpu(beta).data)
        let (runMean, runVar) = (try cpu(runningMean).data, try cpu(runningVariance).data)
        let (mean, invStd) = (try cpu(savedMean).data, try cpu(savedInvStd).data)
        try requireCount(batch * channels * spatial, input, output, op: "batchNormTraining")
        try requireCount(channels, gamma, beta, runningMean, runningVariance, savedMean, savedInvStd,
                         op: "batchNormTraining")
        let m = batch * spatial
        // Unbiased variance for the running statistic; a single value per channel has none, so it keeps the biased.
        let unbias = m > 1 ? Double(m) / Double(m - 1) : 1
        loop.forEach(channels, itemCost: 3 * m) { channelRange in
            for c in channelRange {
                // Two passes (mean, then squared deviations) avoid the cancellation of E[x²] − E[x]².
                var total: Double = 0
                for n in 0..<batch {
                    total += Double(Self.sum(x.base + (n * channels + c) * spatial, count: spatial))
                }
                let channelMean = Float(total / Double(m))
                var deviation: Double = 0
                for n in 0..<batch {
                    let plane = x.base + (n * channels + c) * spatial
                    var partial: Float = 0
                    for s in 0..<spatial {
                        let d = plane[s] - channelMean
                        partial += d * d
                    }
                    deviation += Double(partial)
                }
                let variance = deviation / Double(m)
                let channelInvStd = Float(1 / (variance + Double(epsilon)).squareRoot())
                mean[c] = channelMean
                invStd[c] = channelInvStd
                runMean[c] = (1 - momentum) * runMean[c] + momentum * channelMean
                runVar[c] = (1 - momentum) * runVar[c] + momentum * Float(variance * unbias)
                let (a, b) = (scale[c] * channelInvStd, shift[c] - scale[c] * channelInvStd * channelMean)
                for n in 0..<batch {
                    let offset = (n * channels + c) * spatial
                    let (from, to) = (x.base + offset, y.base + offset)
                    for s in 0..<spatial { to[s] = a * from[s] + b }
                }
            }
        }
    }

    public func batchNormInference(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                                   gamma: Tensor, beta: Tensor, epsilon: Float,
                                   runningMean: Tensor, runningVariance: Tensor, into output: Tensor) throws {
        let (x, y) = (try cpu(input).data, try cpu(output).data)
        let (scale, shift) = (try cpu(gamma).data, try cpu(beta).data)
        let (runMean, runVar) = (try cpu(runningMean).data, try cpu(runningVariance).data)
        try requireCount(batch * channels * spatial, input, output, op: "batchNormInference")
        try requireCount(channels, gamma, beta, runningMean, runningVariance, op: "batchNormInference")
        loop.forEach(batch * channels, itemCost: 2 * spatial) { planes in
            for plane in planes {
                let c = plane % channels
                let a = scale[c] / (runVar[c] + epsilon).squareRoot()
                let b = shift[c] - a * runMean[c]
                let (from, to) = (x.base + plane * spatial, y.base + plane * spatial)
                for s in 0..<spatial { to[s] = a * from[s] + b }
            }
        }
    }

    public func batchNormBackward(_ gradOutput: Tensor, input: Tensor, batch: Int, channels: Int, spatial: Int,
                                  gamma: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                                  gradInput: Tensor?, gradGamma: Tensor, gradBeta: Tensor) throws {
        let (dy, x, dx) = (try cpu(gradOutput).data, try cpu(input).data, try gradInput.map { try cpu($0).data })
        let (scale, mean, invStd) = (try cpu(gamma).data, try cpu(savedMean).data, try cpu(savedInvStd).data)
        let (dGamma, dBeta) = (try cpu(gradGamma).data, try cpu(gradBeta).data)
        try requireCount(batch * channels * spatial, gradOutput, input, op: "batchNormBackward")
        if let gradInput { try requireCount(batch * channels * spatial, gradInput, op: "batchNormBackward") }
        try requireCount(channels, gamma, savedMean, savedInvStd, gradGamma, gradBeta, op: "batchNormBackward")
        let m = batch * spatial
        loop.forEach(channels, itemCost: 5 * m) { channelRange in
            for c in channelRange {
                let (mu, sigmaInv) = (mean[c], invStd[c])
                // dβ = Σ dy, dγ = Σ dy·x̂ with x̂ = (x − mean)·invStd.
                var (sumDy, sumDyXhat): (Double, Double) = (0, 0)
                for n in 0..<batch {
                    let offset = (n * channels + c) * spatial
                    var (partialDy, partialDyXhat): (Float, Float) = (0, 0)
                    for s in 0..<spatial {
                        partialDy += dy[offset + s]
                        partialDyXhat += dy[offset + s] * (x[offset + s] - mu) * sigmaInv
                    }
                    sumDy += Double(partialDy)
                    sumDyXhat += Double(partialDyXhat)
                }
                let (dBetaValue, dGammaValue) = (Float(sumDy), Float(sumDyXhat))
                dBeta[c] = dBetaValue
                dGamma[c] = dGammaValue
                guard let dx else { continue }
                // dx = γ·invStd/M·(M·dy − dβ − x̂·dγ)
                let k = scale[c] * sigmaInv / Float(m)
                for n in 0..<batch {
                    let offset = (n * channels + c) * spatial
                    for s in 0..<spatial {
                        let xhat = (x[offset + s] - mu) * sigmaInv
                        dx[offset + s] = k * (Float(m) * dy[offset + s] - dBetaValue - xhat * dGammaValue)
                    }
                }
            }
        }
    }
}
