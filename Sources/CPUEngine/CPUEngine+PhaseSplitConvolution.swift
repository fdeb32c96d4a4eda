import Engine

/// Strided convolutions as stride-1 Winograd convolutions over phase-split inputs ("space to depth").
///
/// With stride `s`, output `(oy, ox)` reads padded input pixels `(s·oy + ky, s·ox + kx)`. Writing `ky = s·a + ry`
/// and `kx = s·b + rx`, that pixel is pixel `(oy + a, ox + b)` of the phase `(ry, rx)` plane, which holds padded
/// pixels `(s·i + ry, s·j + rx)`. So the layer equals a stride-1 convolution with an `⌈k/s⌉`-wide kernel over `C·s²`
/// phase channels, the kernel split the same way (zero where `s·a + ry` or `s·b + rx` reaches past `k`). AlexNet's
/// 11×11 stride-4 conv1 on 3 channels becomes a 3×3 convolution over 48 channels, which Winograd F(4×4, 3×3) runs
/// with a quarter of the multiplications of im2col + GEMM (after the split kernel's (12/11)² zeros).
///
/// The split input is never stored: the Winograd pass gathers each phase channel's tiles straight from the input.
/// The split kernel lives in the workspace; the backward pass runs the Winograd backward pass on it and gathers the
/// kernel and input gradients back from their split forms.
struct PhaseSplitPlan {
    /// The stride `s` (both axes).
    let stride: Int
    /// The stride-1 convolution over the phase channels: `C·s²` channels of `(OH + k′ − 1) × (OW + k′ − 1)`, a
    /// `k′ = ⌈k/s⌉` kernel and no padding, so its output is the layer's.
    let inner: ConvolutionGeometry
    let winograd: WinogradPlan

    /// Floats of the split input's gradient and of the split kernel.
    var splitInputCount: Int { inner.batch * inner.channels * inner.height * inner.width }
    var splitKernelCount: Int { winograd.filters * inner.columnRows }

    /// The plan for `g`, or nil unless it has one stride above 1 for both axes, a square kernel whose split width
    /// `⌈k/s⌉` Winograd covers, and `C·s²` channels and `filters` Winograd accepts.
    init?(_ g: ConvolutionGeometry, filters: Int, winograd makePlan: (ConvolutionGeometry) -> WinogradPlan?) {
        let s = g.strideWidth
        guard s > 1, g.strideHeight == s, g.kernelHeight == g.kernelWidth else { return nil }
        let kernel = (g.kernelWidth + s - 1) / s
        let inner = ConvolutionGeometry(batch: g.batch, channels: g.channels * s * s,
                                        height: g.outputHeight + kernel - 1, width: g.outputWidth + kernel - 1,
                                        kernelHeight: kernel, kernelWidth: kernel)
        guard let winograd = makePlan(inner) else { return nil }
        stride = s
        self.inner = inner
        self.winograd = winograd
    }
}

extension CPUEngine {
    /// The phase-split plan for a strided convolution, or nil when it takes the im2col + GEMM path.
    func phaseSplitPlan(_ g: ConvolutionGeometry, filters: Int) -> PhaseSplitPlan? {
        PhaseSplitPlan(g, filters: filters) { winogradPlan($0, filters: filters) }
    }

    /// The Winograd workspace of the inner convolution, then the split kernel and its gradient, and the split
    /// input's gradient.
    func phaseSplitWorkspace(_ plan: PhaseSplitPlan) -> [Shape] {
        winogradWorkspace(plan.winograd, batch: plan.inner.batch)
            + [Shape(2 * plan.splitKernelCount), Shape(plan.splitInputCount)]
    }

    func phaseSplitForward(_ x: SendablePointer<Float>, weight w: SendablePointer<Float>,
                           bias b: SendablePointer<Float>?, activation: Activation?, geometry g: ConvolutionGeometry,
                           plan: PhaseSplitPlan, workspace: [Tensor], into y: SendablePointer<Float>) throws {
        let (splitKernel, _) = try phaseSplitBuffers(workspace, plan)
        Self.splitKernels(w, g, plan, into: splitKernel)
        try winogradForward(x, source: g, weight: splitKernel, bias: b, activation: activation, geometry: plan.inner,
                            plan: plan.winograd, workspace: Array(workspace[0..<2]), into: y)
    }

    func phaseSplitBackward(_ dy: SendablePointer<Float>, input x: SendablePointer<Float>,
                            output y: SendablePointer<Float>, activation: Activation?,
                            geometry g: ConvolutionGeometry, plan: PhaseSplitPlan, workspace: [Tensor],
                            gradWeight dw: SendablePointer<Float>, gradBias db: SendablePointer<Float>?,
                            gradInput dx: SendablePointer<Float>?) throws {
        // The split kernel is the one the forward pass left in the workspace.
        let (splitKernel, splitInputGradient) = try phaseSplitBuffers(workspace, plan)
        let splitKernelGradient = SendablePointer(splitKernel.base + plan.splitKernelCount)
        try winogradBackward(dy, input: x, source: g, output: y, weight: splitKernel, activation: activation,
                             geometry: plan.inner, plan: plan.winograd, workspace: Array(workspace[0..<2]),
                             gradWeight: splitKernelGradient, gradBias: db,
                             gradInput: dx == nil ? nil : splitInputGradient)
        Self.mergeKernelGradients(splitKernelGradient, g, plan, into: dw)
        if let dx { mergeInputGradients(splitInputGradient, g, plan, into: dx) }
    }

    /// `dx[n, c, y, x] = dx′` at the split position of padded pixel `(y + p, x + p)`; 0 for pixels no split
    /// position holds (beyond the last window, which no output reads).
    private func mergeInputGradients(_ split: SendablePointer<Float>, _ g: ConvolutionGeometry,
                                     _ plan: PhaseSplitPlan, into dx: SendablePointer<Float>) {
        let (s, inner) = (plan.stride, plan.inner)
        let splitPlane = inner.height * inner.width
        loop.forEach(g.batch * g.channels, itemCost: s * s * splitPlane) { planes in
            for plane in planes {
                let target = dx.base + plane * g.height * g.width
                target.update(repeating: 0, count: g.height * g.width)
                for ry in 0..<s {
                    for rx in 0..<s {
                        let source = split.base + (plane * s * s + ry * s + rx) * splitPlane
                        let columns = Self.phaseColumns(rx, g, limit: inner.width)
                        guard !columns.isEmpty else { continue }
                        for i in 0..<inner.height {
                            let row = s * i + ry - g.paddingHeight
                            guard row >= 0, row < g.height else { continue }
                            let line = source + i * inner.width
                            let output = target + row * g.width + rx - g.paddingWidth
                            for j in columns { output[s &* j] = line[j] }
                        }
                    }
                }
            }
        }
    }

    /// `w′[f, (c·s + ry)·s + rx, a, b] = w[f, c, s·a + ry, s·b + rx]`, 0 past the kernel.
    private static func splitKernels(_ w: SendablePointer<Float>, _ g: ConvolutionGeometry, _ plan: PhaseSplitPlan,
                                     into split: SendablePointer<Float>) {
        forEachKernelTap(g, plan) { original, splitIndex in
            split[splitIndex] = original.map { w[$0] } ?? 0
        }
    }

    /// `dw[f, c, ky, kx] = dw′[f, (c·s + ky % s)·s + kx % s, ky / s, kx / s]`; the taps past the kernel drop.
    private static func mergeKernelGradients(_ split: SendablePointer<Float>, _ g: ConvolutionGeometry,
                                             _ plan: PhaseSplitPlan, into dw: SendablePointer<Float>) {
        forEachKernelTap(g, plan) { original, splitIndex in
            if let original { dw[original] = split[splitIndex] }
        }
    }

    /// Calls `body(original, split)` for every tap of the split kernel `[F, C·s², k′, k′]`: its index and the
    /// original kernel's `[F, C, k, k]` index of the same weight, nil where the split kernel reaches past `k`.
    private static func forEachKernelTap(_ g: ConvolutionGeometry, _ plan: PhaseSplitPlan,
                                         _ body: (Int?, Int) -> Void) {
        let (s, k, splitK) = (plan.stride, g.kernelWidth, plan.inner.kernelWidth)
        var splitIndex = 0
        for filter in 0..<plan.winograd.filters {
            for channel in 0..<g.channels {
                for ry in 0..<s {
                    for rx in 0..<s {
                        for a in 0..<splitK {
                            for b in 0..<splitK {
                                let (ky, kx) = (s * a + ry, s * b + rx)
                                let inside = ky < k && kx < k
                                body(inside ? ((filter * g.channels + channel) * k + ky) * k + kx : nil, splitIndex)
                                splitIndex += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The split kernel (its gradient follows it) and split input gradient `phaseSplitWorkspace` planned after the
    /// Winograd workspace.
    private func phaseSplitBuffers(_ workspace: [Tensor], _ plan: PhaseSplitPlan) throws
        -> (SendablePointer<Float>, SendablePointer<Float>) {
        guard workspace.count == 4, workspace[2].shape.count == 2 * plan.splitKernelCount,
              workspace[3].shape.count == plan.splitInputCount
        else {
            throw EngineError.invalidArgument(
                "convolution: the workspace must be the tensors convolutionWorkspace planned (phase-split Winograd)")
        }
        return (try cpu(workspace[2]).data, try cpu(workspace[3]).data)
    }
}
