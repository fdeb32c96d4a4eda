import Engine

extension OpenCLEngine {
    public func batchNormTraining(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                                  gamma: Tensor, beta: Tensor, epsilon: Float, momentum: Float,
                                  runningMean: Tensor, runningVariance: Tensor,
                                  savedMean: Tensor, savedInvStd: Tensor, into output: Tensor) throws {
        let count = batch * channels * spatial
        let input = try buffer(input, atLeast: count, "batchNormTraining input")
        let mean = try buffer(savedMean, atLeast: channels, "batchNormTraining savedMean")
        let invStd = try buffer(savedInvStd, atLeast: channels, "batchNormTraining savedInvStd")
        try launch("batch_norm_statistics", groups: channels, [
            input, try int(batch, "batch"), try int(channels, "channels"), try int(spatial, "spatial"),
            .float(epsilon), .float(momentum),
            try buffer(runningMean, atLeast: channels, "batchNormTraining runningMean"),
            try buffer(runningVariance, atLeast: channels, "batchNormTraining runningVariance"),
            mean, invStd, .localScratch,
        ])
        try launch("batch_norm_apply", grid: Grid(x: spatial, y: channels, z: batch), [
            input, try buffer(output, atLeast: count, "batchNormTraining output"),
            try buffer(gamma, atLeast: channels, "batchNormTraining gamma"),
            try buffer(beta, atLeast: channels, "batchNormTraining beta"),
            mean, invStd, try int(channels, "channels"), try int(spatial, "spatial"),
        ])
    }

    public func batchNormInference(_ input: Tensor, batch: Int, channels: Int, spatial: Int,
                                   gamma: Tensor, beta: Tensor, epsilon: Float,
                                   runningMean: Tensor, runningVariance: Tensor, into output: Tensor) throws {
        let count = batch * channels * spatial
        try launch("batch_norm_inference", grid: Grid(x: spatial, y: channels, z: batch), [
            try buffer(input, atLeast: count, "batchNormInference input"),
            try buffer(output, atLeast: count, "batchNormInference output"),
            try buffer(gamma, atLeast: channels, "batchNormInference gamma"),
            try buffer(beta, atLeast: channels, "batchNormInference beta"),
            try buffer(runningMean, atLeast: channels, "batchNormInference runningMean"),
            try buffer(runningVariance, atLeast: channels, "batchNormInference runningVariance"),
            .float(epsilon), try int(channels, "channels"), try int(spatial, "spatial"),
        ])
    }

    // x̂ = (x − mean)·invStd, dβ = Σ dy, dγ = Σ dy·x̂ (one work-group per channel), then, when `gradInput` is
    // given, dx = γ·invStd/M·(M·dy − dβ − x̂·dγ), M = N·S.
    public func batchNormBackward(_ gradOutput: Tensor, input: Tensor, batch: Int, channels: Int, spatial: Int,
                                  gamma: Tensor, savedMean: Tensor, savedInvStd: Tensor,
                                  gradInput: Tensor?, gradGamma: Tensor, gradBeta: Tensor) throws {
        let count = batch * channels * spatial
        let dy = try buffer(gradOutput, atLeast: count, "batchNormBackward gradOutput")
        let x = try buffer(input, atLeast: count, "batchNormBackward input")
        let mean = try buffer(savedMean, atLeast: channels, "batchNormBackward savedMean")
        let invStd = try buffer(savedInvStd, atLeast: channels, "batchNormBackward savedInvStd")
        let dGamma = try buffer(gradGamma, atLeast: channels, "batchNormBackward gradGamma")
        let dBeta = try buffer(gradBeta, atLeast: channels, "batchNormBackward gradBeta")
        try launch("batch_norm_backward_reduce", groups: channels, [
            dy, x, mean, invStd, try int(batch, "batch"), try int(channels, "channels"),
            try int(spatial, "spatial"), dGamma, dBeta, .localScratch,
        ])
        guard let gradInput else { return }
        try launch("batch_norm_backward_apply", grid: Grid(x: spatial, y: channels, z: batch), [
            dy, x, try buffer(gamma, atLeast: channels, "batchNormBackward gamma"), mean, invStd, dGamma, dBeta,
            try buffer(gradInput, atLeast: count, "batchNormBackward gradInput"),
            try int(channels, "channels"), try int(spatial, "spatial"), try int(batch * spatial, "N·S"),
        ])
    }
}
