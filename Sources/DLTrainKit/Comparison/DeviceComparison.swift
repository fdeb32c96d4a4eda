import Engine
import Foundation

/// `caffe time` across engines: the same network, weights and batch on each engine; synchronised timings per
/// step and per layer, and the agreement of logits, loss and gradients with the first (baseline) engine.
public struct DeviceComparison {
    /// How much to measure.
    public struct Options: Sendable {
        public var iterations: Int
        public var warmupIterations: Int
        /// The batch size (default: the config's).
        public var batch: Int?
        /// The largest relative difference accepted between engines.
        public var tolerance: Double

        public init(iterations: Int = 10, warmupIterations: Int = 2, batch: Int? = nil, tolerance: Double = 1e-3) {
            self.iterations = iterations
            self.warmupIterations = warmupIterations
            self.batch = batch
            self.tolerance = tolerance
        }
    }

    private let config: Config
    private let plan: NetworkPlan
    private let options: Options
    private let batch: Int
    private let trainingImageCount: Int?

    /// Prepares a comparison of `config`'s network; nothing runs until `run`.
    public init(config: Config, options: Options) throws {
        self.config = config
        self.options = options
        plan = try config.networkPlan()
        batch = options.batch ?? config.training.batchSize
        trainingImageCount = Self.trainingImageCount(config.data)
    }

    /// Measures every engine; the first is the baseline for speed-ups and agreement.
    public func run(engines: [ComputeEngine], unavailable: [String: String] = [:]) throws -> ComparisonReport {
        let input = SyntheticBatch(inputShape: plan.inputShape, classes: plan.classCount, batch: batch,
                                   seed: UInt64(config.training.seed))
        var results: [ComparisonReport.EngineResult] = []
        var baseline: Snapshot?
        for engine in engines {
            let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(plan.inputShape),
                                                   seed: UInt64(config.training.seed), engine: engine)
            // Compared before the timed steps change the weights: a second pass may need them as they were.
            let snapshot = try Snapshot(network: network, batch: input)
            let agreement = try baseline.map {
                try snapshot.agreement(with: $0, tolerance: options.tolerance, network: network, batch: input)
            }
            var result = try measure(network, input: input)
            if let agreement {
                result.agreement = agreement
                result.speedup = result.trainImagesPerSecond / results[0].trainImagesPerSecond
            } else {
                baseline = snapshot
            }
            results.append(result)
        }
        return ComparisonReport(config: config.name, batch: batch, warmupIterations: options.warmupIterations,
                                iterations: options.iterations, trainingImages: trainingImageCount,
                                epochs: config.training.epochs, engines: results, unavailable: unavailable)
    }

    private func measure(_ network: Network, input: SyntheticBatch) throws -> ComparisonReport.EngineResult {
        let engine = network.engine
        let optimizer = try Optimizer(rule: UpdateRule(config.training.optimizer), parameters: network.parameters,
                                      engine: engine)
        let learningRate = config.training.optimizer.learningRate
        // As the trainer steps: layers that can apply their SGD update in the backward pass do, unless the config's
        // `on_nonfinite: "skip"` checks the gradients first. The profiled pass leaves every update to the
        // optimizer, so that each layer's time is its forward and backward alone.
        let fusing = config.training.onNonFinite != .skip
        func trainStep(_ index: Int, updatesInLayers: Bool = true) throws {
            network.seedDropout(runSeed: 1, step: index)
            if updatesInLayers && fusing { optimizer.offerUpdates(learningRate: learningRate) }
            defer { optimizer.clearOffers() }
            _ = try network.computeGradients(images: input.images, labels: input.labels, batch: batch)
            try optimizer.step(learningRate: learningRate)
        }
        for index in 0..<options.warmupIterations { try trainStep(index) }
        try engine.synchronize()
        let trainSeconds = try timed {
            for index in 0..<options.iterations { try trainStep(index) }
            try engine.synchronize()  // the last backward pass and update are queued, not yet done
        }

        for _ in 0..<options.warmupIterations { _ = try network.predict(images: input.images, batch: batch) }
        let inferenceSeconds = try timed {
            for _ in 0..<options.iterations { _ = try network.predict(images: input.images, batch: batch) }
        }

        let profiler = LayerProfiler(layerCount: network.layers.count)
        network.profiler = profiler
        defer { network.profiler = nil }
        for index in 0..<options.iterations { try trainStep(index, updatesInLayers: false) }
        let iterations = Double(options.iterations)
        let firstTrainable = plan.firstTrainableIndex
        let layers = plan.layers.enumerated().map { index, layer in
            ComparisonReport.LayerTiming(
                name: layer.name, type: layer.config.kind.type.rawValue,
                forwardFLOPs: Double(layer.forwardFLOPs * batch),
                backwardFLOPs: layer.backwardFLOPs(batch: batch, firstTrainable: firstTrainable),
                forwardBytes: layer.forwardBytes(batch: batch),
                backwardBytes: layer.backwardBytes(batch: batch, firstTrainable: firstTrainable),
                forwardMilliseconds: profiler.forwardSeconds[index] / iterations * 1000,
                backwardMilliseconds: profiler.backwardSeconds[index] / iterations * 1000)
        }
        let stepSeconds = trainSeconds / iterations
        let projected = trainingImageCount.map { images in
            Double((images + batch - 1) / batch * config.training.epochs) * stepSeconds
        }
        return ComparisonReport.EngineResult(
            engine: engine.name, trainStepMilliseconds: stepSeconds * 1000,
            trainImagesPerSecond: Double(batch) / stepSeconds,
            inferenceImagesPerSecond: Double(batch) * iterations / inferenceSeconds, speedup: 1,
            projectedTrainingSeconds: projected, layers: layers, agreement: nil)
    }

    /// Seconds `body` takes, including the engine work it queued (callers synchronise inside or after).
    private func timed(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Images a training run would train on: the training folder, less `validation_split` (nil when unreadable).
    private static func trainingImageCount(_ data: DataConfig) -> Int? {
        guard let count = (try? ImageFolderDataset(root: URL(fileURLWithPath: data.train)))?.count else { return nil }
        return data.validationSplit.map { Int((Double(count) * (1 - $0)).rounded()) } ?? count
    }
}
