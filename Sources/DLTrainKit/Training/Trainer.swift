import Engine
import Foundation
import Logging

/// Trains a config's network on one engine: epochs of shuffled batches, validation, logs and checkpoints.
public final class Trainer {
    /// Command-line overrides of the config.
    public struct Options: Sendable {
        /// Train until this epoch instead of `training.epochs`.
        public var epochs: Int?
        /// Continue from this checkpoint (its epoch, step, optimizer state and schedule).
        public var resume: URL?
        /// Write the run here instead of `output.directory`.
        public var outputDirectory: String?

        public init(epochs: Int? = nil, resume: URL? = nil, outputDirectory: String? = nil) {
            self.epochs = epochs
            self.resume = resume
            self.outputDirectory = outputDirectory
        }
    }

    /// The config as trained (overrides applied).
    public let config: Config
    /// The network being trained.
    public let network: Network
    /// The run folder.
    public let runDirectory: RunDirectory

    private let engine: ComputeEngine
    private let data: TrainingData
    private let optimizer: Optimizer
    private let schedule: LearningRateSchedule
    private let checkpoints: CheckpointDirectory
    private let logger: Logger
    private var completedEpochs = 0
    private var step = 0
    private var bestAccuracy: Double?

    /// Validates the config, checks the output folder, indexes the data and builds the network (restoring a
    /// checkpoint when resuming) — all before the first image is decoded.
    public init(config: Config, engine: ComputeEngine, options: Options = Options()) throws {
        var config = config
        if let epochs = options.epochs { config.training.epochs = epochs }
        if let directory = options.outputDirectory { config.output.directory = directory }
        _ = try config.plan()
        self.config = config
        self.engine = engine
        runDirectory = try RunDirectory(url: URL(fileURLWithPath: config.output.directory))
        checkpoints = CheckpointDirectory(runDirectory: runDirectory.url)
        logger = RunLog.logger(label: "dltrain.trainer", file: runDirectory.logURL)

        let resumed = try options.resume.map { try Checkpoint.load(from: $0) }
        data = try TrainingData(config: config, classNames: resumed?.metadata.classNames)
        guard data.training.count > 0 else {
            throw TrainingError.emptyDataset("\(config.data.train): no training images")
        }
        let plan = try config.networkPlan()
        guard plan.classCount == data.training.classNames.count else {
            throw TrainingError.checkpointMismatch(
                path: config.data.train,
                reason: "the data has \(data.training.classNames.count) classes but the network's last layer "
                    + "outputs \(plan.classCount) logits")
        }
        network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(config.data.input.shape),
                                           seed: UInt64(config.training.seed), engine: engine)
        optimizer = try Optimizer(rule: UpdateRule(config.training.optimizer), parameters: network.parameters,
                                  engine: engine)
        schedule = LearningRateSchedule(config: config.training.schedule,
                                        baseLearningRate: config.training.optimizer.learningRate,
                                        epochs: config.training.epochs,
                                        stepsPerEpoch: data.trainingLoader.batchCount)
        if let resumed, let url = options.resume {
            try resumed.restore(into: network, optimizer: optimizer, path: url.path)
            completedEpochs = resumed.metadata.epoch
            step = resumed.metadata.step
            optimizer.stepCount = resumed.metadata.step
            bestAccuracy = resumed.metadata.bestValidationAccuracy
            logger.info("resumed from \(url.path) at epoch \(completedEpochs), step \(step)")
        }
        try AtomicFile.write(config.resolvedJSON(), to: runDirectory.configURL)
    }

    /// Trains the remaining epochs, reporting to `observer`; returns the last epoch's metrics.
    @discardableResult
    public func run(observer: TrainingObserver? = nil) throws -> EpochMetrics? {
        let epochs = config.training.epochs
        let stepsPerEpoch = data.trainingLoader.batchCount
        observer?.trainingWillStart(TrainingStart(
            engine: engine.name, runDirectory: runDirectory.url.path, classNames: data.training.classNames,
            trainingSamples: data.training.count, validationSamples: data.validation?.count ?? 0,
            firstEpoch: completedEpochs + 1, epochs: epochs, stepsPerEpoch: stepsPerEpoch,
            parameterCount: network.parameters.reduce(0) { $0 + $1.value.count }))
        logger.info("training \(config.name) on \(engine.name): epochs \(completedEpochs + 1)...\(epochs)")
        var last: EpochMetrics?
        let runStart = Date()
        let firstEpoch = completedEpochs + 1
        guard firstEpoch <= epochs else { return nil }
        for epoch in firstEpoch...epochs {
            let metrics = try trainEpoch(epoch, observer: observer) { finishedSteps in
                let elapsed = Date().timeIntervalSince(runStart)
                let done = (epoch - firstEpoch) * stepsPerEpoch + finishedSteps
                let total = (epochs - firstEpoch + 1) * stepsPerEpoch
                return done == 0 ? .infinity : elapsed / Double(done) * Double(total - done)
            }
            let isBest = try finishEpoch(metrics)
            observer?.epochDidFinish(metrics, isBest: isBest)
            last = metrics
        }
        return last
    }

    private func trainEpoch(_ epoch: Int, observer: TrainingObserver?,
                            secondsRemaining: (Int) -> Double) throws -> EpochMetrics {
        let start = Date()
        let batches = data.trainingLoader.batches(epoch: epoch, training: true)
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        var epochStep = 0
        var learningRate = schedule.rate(atStep: step)
        while let batch = try batches.next() {
            learningRate = schedule.rate(atStep: step)
            network.seedDropout(runSeed: UInt64(config.training.seed), step: step)
            let result = try network.computeGradients(images: batch.images, labels: batch.labels, batch: batch.count)
            guard result.loss.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, step: step + 1) }
            try optimizer.step(learningRate: learningRate)
            step += 1
            epochStep += 1
            lossSum += Double(result.loss) * Double(batch.count)
            correct += result.correct
            seen += batch.count
            observer?.stepDidFinish(StepProgress(
                epoch: epoch, epochs: config.training.epochs, step: epochStep, stepsPerEpoch: batches.batchCount,
                loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                imagesPerSecond: Double(seen) / Date().timeIntervalSince(start),
                secondsRemaining: secondsRemaining(epochStep), learningRate: Double(learningRate)))
        }
        let seconds = Date().timeIntervalSince(start)
        var metrics = EpochMetrics(epoch: epoch, step: step, learningRate: Double(learningRate),
                                   trainLoss: lossSum / Double(max(seen, 1)),
                                   trainAccuracy: Double(correct) / Double(max(seen, 1)),
                                   validationLoss: nil, validationAccuracy: nil, seconds: seconds,
                                   imagesPerSecond: Double(seen) / seconds)
        if let loader = data.validationLoader {
            let validation = try Evaluator.evaluate(network, loader: loader, classNames: data.training.classNames)
            metrics.validationLoss = validation.loss
            metrics.validationAccuracy = validation.accuracy
        }
        return metrics
    }

    /// Records the epoch and writes `epoch-N`, `last` and (when improved) `best`; returns whether it is the best.
    private func finishEpoch(_ metrics: EpochMetrics) throws -> Bool {
        completedEpochs = metrics.epoch
        let accuracy = metrics.validationAccuracy ?? metrics.trainAccuracy
        let isBest = bestAccuracy.map { accuracy > $0 } ?? true
        if isBest { bestAccuracy = accuracy }
        try runDirectory.record(metrics)
        let metadata = CheckpointMetadata(
            configJSON: config.resolvedJSON(), classNames: data.training.classNames, epoch: metrics.epoch,
            step: step, bestValidationAccuracy: bestAccuracy, metrics: metrics, device: engine.name)
        let encoded = try Checkpoint.encode(network: network, optimizer: optimizer, metadata: metadata)
        if metrics.epoch % config.output.checkpointEveryEpochs == 0 || metrics.epoch == config.training.epochs {
            try AtomicFile.write(encoded, to: checkpoints.epochURL(metrics.epoch))
            _ = try checkpoints.prune(keepLast: config.output.keepLast)
        }
        if isBest { try AtomicFile.write(encoded, to: checkpoints.bestURL) }
        try AtomicFile.write(encoded, to: checkpoints.lastURL)
        logger.info("\(metrics.csvRow)")
        return isBest
    }
}
