/// The result of `dltrain compare-devices`: speed per engine and layer, and agreement between engines.
public struct ComparisonReport: Encodable, Sendable {
    /// One layer's synchronised time on one engine.
    public struct LayerTiming: Encodable, Sendable {
        public var name: String
        public var type: String
        /// FLOPs of the forward and the backward pass for one batch.
        public var forwardFLOPs: Double
        public var backwardFLOPs: Double
        /// Bytes the forward and the backward pass move for one batch when each tensor they touch is read or
        /// written once (see `LayerPlan.forwardBytes` and `backwardBytes`).
        public var forwardBytes: Double
        public var backwardBytes: Double
        public var forwardMilliseconds: Double
        public var backwardMilliseconds: Double

        /// Achieved GFLOP/s over forward + backward.
        public var gigaFLOPsPerSecond: Double {
            let seconds = (forwardMilliseconds + backwardMilliseconds) / 1000
            return seconds > 0 ? (forwardFLOPs + backwardFLOPs) / seconds / 1e9 : 0
        }

        enum CodingKeys: String, CodingKey {
            case name, type
            case forwardFLOPs = "forward_flops"
            case backwardFLOPs = "backward_flops"
            case forwardBytes = "forward_bytes"
            case backwardBytes = "backward_bytes"
            case forwardMilliseconds = "forward_ms"
            case backwardMilliseconds = "backward_ms"
            case gigaFLOPsPerSecond = "gflops_per_second"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            try container.encode(forwardFLOPs, forKey: .forwardFLOPs)
            try container.encode(backwardFLOPs, forKey: .backwardFLOPs)
            try container.encode(forwardBytes, forKey: .forwardBytes)
            try container.encode(backwardBytes, forKey: .backwardBytes)
            try container.encode(forwardMilliseconds, forKey: .forwardMilliseconds)
            try container.encode(backwardMilliseconds, forKey: .backwardMilliseconds)
            try container.encode(gigaFLOPsPerSecond, forKey: .gigaFLOPsPerSecond)
        }
    }

    /// How far an engine's results are from the baseline engine's, from the same weights and batch.
    public struct Agreement: Encodable, Sendable {
        /// The largest relative difference of the logits: `max|a − b| / max|b|`.
        public var logits: Double
        /// `|lossA − lossB| / |lossB|`.
        public var loss: Double
        /// The same measure for every parameter gradient, by tensor name.
        public var gradients: [String: Double]
        /// The tolerance every value must be within.
        public var tolerance: Double

        /// The largest of all differences.
        public var worst: Double { max(logits, loss, gradients.values.max() ?? 0) }

        /// Which value the largest difference is in: `"logits"`, `"loss"` or a gradient's tensor name.
        public var worstTensor: String {
            let candidates = [("logits", logits), ("loss", loss)] + gradients.sorted { $0.key < $1.key }
                .map { ("\($0.key) gradient", $0.value) }
            return candidates.max { $0.1 < $1.1 }?.0 ?? "logits"
        }
        /// Whether every difference is within `tolerance`.
        public var withinTolerance: Bool { worst <= tolerance }
        /// What imposing the first engine's max-pool choices found, where only gradients differ by more than the
        /// tolerance in a net with max pools (nil otherwise).
        public var maxPoolTies: MaxPoolTies?
        /// Whether the differences over the tolerance come from max-pool ties alone: the logits and the loss within
        /// it, the second pass a bitwise repeat of the first, every window this engine chose differently a near-tie,
        /// and on the first engine's choices every gradient within the tolerance.
        public var explainedByMaxPoolTies: Bool {
            guard !withinTolerance, logits <= tolerance, loss <= tolerance, let ties = maxPoolTies else { return false }
            return ties.repeatsFirstPass && ties.rerouted > 0 && ties.nearTies == ties.rerouted
                && ties.gradientsOnBaselineChoices <= tolerance
        }
        /// The verdict: every difference within the tolerance, or over it through max-pool ties alone.
        public var agrees: Bool { withinTolerance || explainedByMaxPoolTies }

        enum CodingKeys: String, CodingKey {
            case logits, loss, gradients, tolerance, worst, agrees
            case worstTensor = "worst_tensor"
            case withinTolerance = "within_tolerance"
            case maxPoolTies = "max_pool_ties"
            case explainedByMaxPoolTies = "explained_by_max_pool_ties"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(logits, forKey: .logits)
            try container.encode(loss, forKey: .loss)
            try container.encode(gradients, forKey: .gradients)
            try container.encode(tolerance, forKey: .tolerance)
            try container.encode(worst, forKey: .worst)
            try container.encode(worstTensor, forKey: .worstTensor)
            try container.encode(withinTolerance, forKey: .withinTolerance)
            try container.encode(maxPoolTies, forKey: .maxPoolTies)
            try container.encode(explainedByMaxPoolTies, forKey: .explainedByMaxPoolTies)
            try container.encode(agrees, forKey: .agrees)
        }
    }

    /// How an engine's max-pool choices differ from the first engine's in the comparison pass, from a second pass
    /// of the engine that takes the first engine's choices for its backward pass instead of its own.
    public struct MaxPoolTies: Encodable, Sendable {
        /// Max-pool windows in the pass, over every max-pool layer and sample.
        public var windows: Int
        /// Windows whose maximum this engine found at another position than the first engine.
        public var rerouted: Int
        /// Of those, the near-ties: both positions inside the window, this engine's value the larger by at most the
        /// tolerance relative to the largest magnitude of the layer's input on this engine.
        public var nearTies: Int
        /// Whether the second pass repeated the first bit for bit (its logits and its own max-pool choices), so
        /// that what it found holds for the compared pass.
        public var repeatsFirstPass: Bool
        /// The largest relative gradient difference from the first engine with its max-pool choices imposed.
        public var gradientsOnBaselineChoices: Double

        enum CodingKeys: String, CodingKey {
            case windows, rerouted
            case nearTies = "near_ties"
            case repeatsFirstPass = "repeats_first_pass"
            case gradientsOnBaselineChoices = "gradients_on_baseline_choices"
        }
    }

    /// One engine's measurements.
    public struct EngineResult: Encodable, Sendable {
        public var engine: String
        /// Mean synchronised time of one training step (upload, forward, loss, backward, update).
        public var trainStepMilliseconds: Double
        public var trainImagesPerSecond: Double
        public var inferenceImagesPerSecond: Double
        /// Training images/s over the baseline engine's.
        public var speedup: Double
        /// `steps per epoch × epochs × step time`, when the training folder can be counted.
        public var projectedTrainingSeconds: Double?
        public var layers: [LayerTiming]
        /// Against the baseline engine; nil for the baseline itself.
        public var agreement: Agreement?

        enum CodingKeys: String, CodingKey {
            case engine, speedup, layers, agreement
            case trainStepMilliseconds = "train_step_ms"
            case trainImagesPerSecond = "train_images_per_second"
            case inferenceImagesPerSecond = "inference_images_per_second"
            case projectedTrainingSeconds = "projected_training_seconds"
        }
    }

    public var config: String
    public var batch: Int
    public var warmupIterations: Int
    public var iterations: Int
    /// Images in the config's training folder, when it exists.
    public var trainingImages: Int?
    public var epochs: Int
    public var engines: [EngineResult]
    /// Engines that could not be created, with the reason.
    public var unavailable: [String: String]

    enum CodingKeys: String, CodingKey {
        case config, batch, iterations, epochs, engines, unavailable
        case warmupIterations = "warmup_iterations"
        case trainingImages = "training_images"
    }
}
