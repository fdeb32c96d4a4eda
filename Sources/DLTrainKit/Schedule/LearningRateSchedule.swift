import Foundation

/// The learning rate at each optimizer step, from a `ScheduleConfig`.
///
/// Step-granular. Warm-up (PyTorch `LinearLR`-like, but starting from base/warmupSteps rather than a factor):
/// step s < warmupSteps gets base·(s + 1)/warmupSteps, so the last warm-up step reaches the base rate. After it:
/// `constant` keeps the base rate; `step` multiplies by gamma every `stepEpochs` epochs counted from the start of
/// training (epoch = s / stepsPerEpoch); `cosine` anneals min + (base − min)·(1 + cos(π·t/T))/2 with t the steps
/// since warm-up and T the steps after warm-up (PyTorch `CosineAnnealingLR` with T_max = T). Steps past the end
/// keep the final rate.
public struct LearningRateSchedule: Sendable, Equatable {
    public let config: ScheduleConfig
    public let baseLearningRate: Float
    /// Steps of linear warm-up.
    public let warmupSteps: Int
    /// Steps in the whole run.
    public let totalSteps: Int
    public let stepsPerEpoch: Int

    /// A schedule for a run of `epochs` epochs of `stepsPerEpoch` optimizer steps each (both at least 1).
    public init(config: ScheduleConfig, baseLearningRate: Float, epochs: Int, stepsPerEpoch: Int) {
        precondition(epochs >= 1 && stepsPerEpoch >= 1, "a schedule needs at least one epoch of at least one step")
        self.config = config
        self.baseLearningRate = baseLearningRate
        self.stepsPerEpoch = stepsPerEpoch
        totalSteps = epochs * stepsPerEpoch
        warmupSteps = min(config.warmupEpochs, epochs) * stepsPerEpoch
    }

    /// The rate for optimizer step `step` (0-based over the whole run).
    public func rate(atStep step: Int) -> Float {
        let step = max(0, step)
        let base = Double(baseLearningRate)
        if step < warmupSteps {
            return Float(base * Double(step + 1) / Double(warmupSteps))
        }
        switch config.kind {
        case .constant:
            return baseLearningRate
        case .step(let stepEpochs, let gamma):
            let decays = step / stepsPerEpoch / stepEpochs
            return Float(base * pow(Double(gamma), Double(decays)))
        case .cosine(let minimum):
            let span = totalSteps - warmupSteps
            guard span > 0 else { return baseLearningRate }
            let progress = Double(min(step - warmupSteps, span)) / Double(span)
            return Float(Double(minimum) + (base - Double(minimum)) * (1 + cos(Double.pi * progress)) / 2)
        }
    }
}
