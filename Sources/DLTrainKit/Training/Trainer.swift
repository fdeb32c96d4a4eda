import Engine
import Foundation
import Logging

/// Trains a config's network on one engine: epochs of shuffled batches, validation, logs and checkpoints.
public final class Trainer {
    /// Command-line overrides of the config.
    public struct Options: Sendable {
        /// Train until this epoch instead of `training.epochs`.
        public var epochs: Int?
        /// Continue from this checkpoint (its epoch, step, optimizer state and schedule; mid-epoch for an
        /// `interrupted` checkpoint).
        public var resume: URL?
        /// Write the run here instead of `output.directory`.
        public var outputDirectory: String?
        /// Leave undecodable images out (`data.on_bad_image: "skip"`).
        public var skipBadImages: Bool
        /// Polled after every step: once raised, the run writes an `interrupted` checkpoint and stops.
        public var stopRequest: StopRequest?
        /// Start over in a run folder that already holds a run, deleting its checkpoints, logs and metrics.
        public var overwrite: Bool

        public init(epochs: Int? = nil, resume: URL? = nil, outputDirectory: String? = nil,
                    skipBadImages: Bool = false, stopRequest: StopRequest? = nil, overwrite: Bool = false) {
            self.epochs = epochs
            self.resume = resume
            self.outputDirectory = outputDirectory
            self.skipBadImages = skipBadImages
            self.stopRequest = stopRequest
            self.overwrite = overwrite
        }
    }

    /// The config as trained (overrides applied).
    public let config: Config
    /// The network being trained.
    public let network: Network
    /// The run folder.
    public let runDirectory: RunDirectory
    /// Held from before the folder is claimed until `run` returns (or the trainer goes away).
    private let folderLock: RunFolderLock

    let engine: ComputeEngine
    let data: TrainingData
    let optimizer: Optimizer
    let schedule: LearningRateSchedule
    let checkpoints: CheckpointDirectory
    let logger: Logger
    let stopRequest: StopRequest?
    var completedEpochs = 0
    var step = 0
    var bestAccuracy: Double?
    /// Where a resumed mid-epoch checkpoint left epoch `completedEpochs + 1`; used by that epoch only.
    var resumedProgress: EpochProgress?
    /// Tests only: runs after each step's backward pass with the step number (1-based), to inject faults. While it
    /// is set, every update waits for the optimizer, after the hook (no layer applies one in the backward pass).
    var afterBackward: ((Int) throws -> Void)?

    /// Validates the config, checks the output folder, indexes the data and builds the network (restoring a
    /// checkpoint when resuming) — all before the first image is decoded.
    public init(config: Config, engine: ComputeEngine, options: Options = Options()) throws {
        var config = config
        if let epochs = options.epochs { config.training.epochs = epochs }
        if let directory = options.outputDirectory { config.output.directory = directory }
        if options.skipBadImages { config.data.onBadImage = .skip }
        _ = try config.plan()
        self.config = config
        self.engine = engine
        stopRequest = options.stopRequest
        try Self.requirePlaceForRun(URL(fileURLWithPath: config.output.directory), data: config.data)
        runDirectory = try RunDirectory(url: URL(fileURLWithPath: config.output.directory))
        folderLock = try RunFolderLock(folder: runDirectory.url)
        checkpoints = CheckpointDirectory(runDirectory: runDirectory.url)
        if let resume = options.resume {
            try Self.claimForResume(runDirectory, checkpoints: checkpoints, resuming: resume)
        } else {
            try Self.claim(runDirectory, checkpoints: checkpoints, overwrite: options.overwrite)
        }
        logger = RunLog.logger(label: "dltrain.trainer", file: runDirectory.logURL)
        if let reason = folderLock.unavailable {
            logger.warning("cannot lock \(runDirectory.url.path) (\(reason)): a second train there is not refused")
        }
        for file in checkpoints.removeStaleTemporaryFiles() {
            logger.info("removed \(file.lastPathComponent), left by a run killed while writing a checkpoint")
        }

        let resumed = try options.resume.map { try Checkpoint.load(from: $0) }
        if let resumed, let url = options.resume { try Self.requireSameRecipe(config, as: resumed, path: url.path) }
        data = try TrainingData(config: config, classNames: resumed?.metadata.classNames)
        guard data.training.count > 0 else {
            throw TrainingError.emptyDataset("\(config.data.train): no training images")
        }
        let plan = try config.networkPlan()
        guard plan.classCount == data.training.classNames.count else {
            throw TrainingError.checkpointMismatch(
                path: "data.train (\(config.data.train))",
                reason: "\(data.training.classNames.count) class folders, but the network's last layer, "
                    + "network[\(config.network.count - 1)], outputs \(plan.classCount) logits")
        }
        network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(config.data.input.shape),
                                           seed: UInt64(config.training.seed), engine: engine)
        optimizer = try Optimizer(rule: UpdateRule(config.training.optimizer), parameters: network.parameters,
                                  engine: engine)
        schedule = LearningRateSchedule(config: config.training.schedule,
                                        baseLearningRate: config.training.optimizer.learningRate,
                                        epochs: config.training.epochs,
                                        stepsPerEpoch: data.trainingLoader.batchCount)
        if let resumed, let url = options.resume { try restore(resumed, from: url) }
        try AtomicFile.write(config.resolvedJSON(), to: runDirectory.configURL)
    }

    /// Restores weights, optimizer state, epoch, step and (mid-epoch) the epoch position from a checkpoint.
    private func restore(_ resumed: Checkpoint, from url: URL) throws {
        let metadata = resumed.metadata
        try resumed.restore(into: network, optimizer: optimizer, path: url.path)
        if let progress = metadata.progress, progress.batchCount != data.trainingLoader.batchCount {
            throw TrainingError.checkpointMismatch(
                path: url.path,
                reason: "it stopped mid-epoch with \(progress.batchCount) batches per epoch, this run has "
                    + "\(data.trainingLoader.batchCount); resume with the same data and batch size")
        }
        guard metadata.epoch < config.training.epochs else {
            throw TrainingError.nothingToResume(path: url.path, epoch: metadata.epoch)
        }
        completedEpochs = metadata.epoch
        step = metadata.step
        optimizer.stepCount = metadata.step
        bestAccuracy = metadata.bestValidationAccuracy
        // Resuming an earlier epoch must not let a worse model replace the run's `best`, nor duplicate metrics rows.
        if let best = try? Checkpoint.load(from: checkpoints.bestURL).metadata.bestValidationAccuracy {
            bestAccuracy = max(bestAccuracy ?? best, best)
        }
        try runDirectory.discardMetrics(after: metadata.epoch)
        resumedProgress = metadata.progress
        let position = metadata.progress.map { ", batch \($0.batches) of epoch \(metadata.epoch + 1)" } ?? ""
        logger.info("resumed from \(url.path) at epoch \(completedEpochs), step \(step)\(position)")
    }

    /// Trains the remaining epochs, reporting to `observer`; returns the last epoch's metrics. A raised stop
    /// request ends it after the current step with `TrainingError.interrupted`, an `interrupted` checkpoint
    /// written.
    @discardableResult
    public func run(observer: TrainingObserver? = nil) throws -> EpochMetrics? {
        defer { folderLock.release() }
        do {
            return try trainEpochs(observer: observer)
        } catch {
            // An unattended run's log says how it ended (an interruption has logged its checkpoint already).
            if case TrainingError.interrupted = error {} else { logger.error("stopped: \(error)") }
            throw error
        }
    }

    /// `run`'s epochs, from the first one not yet trained.
    private func trainEpochs(observer: TrainingObserver?) throws -> EpochMetrics? {
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
        let firstBatch = resumedProgress?.batches ?? 0
        guard firstEpoch <= epochs else { return nil }
        for epoch in firstEpoch...epochs {
            let metrics = try trainEpoch(epoch, observer: observer) { finishedSteps in
                let elapsed = Date().timeIntervalSince(runStart)
                let done = (epoch - firstEpoch) * stepsPerEpoch + finishedSteps - firstBatch
                let total = (epochs - firstEpoch + 1) * stepsPerEpoch - firstBatch
                return done <= 0 ? .infinity : elapsed / Double(done) * Double(total - done)
            }
            let isBest = try finishEpoch(metrics)
            observer?.epochDidFinish(metrics, isBest: isBest)
            last = metrics
            if stopRequest?.isRequested == true, epoch < epochs {
                try stop(inEpoch: epoch + 1, progress: EpochProgress(batchCount: stepsPerEpoch))
            }
        }
        return last
    }

    /// A run folder is new, empty, or an earlier run's: never a folder of other files (`--output /`), and never
    /// inside a data folder, where its checkpoints folder would be read as a class.
    private static func requirePlaceForRun(_ url: URL, data: DataConfig) throws {
        let folder = url.standardizedFileURL.path
        for (key, path) in [("data.train", data.train), ("data.validation", data.validation)] {
            guard let path else { continue }
            let root = URL(fileURLWithPath: path).standardizedFileURL.path
            if folder == root || folder.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
                throw TrainingError.outputNotWritable(path: url.path, reason: "it is inside \(key) (\(path)), where "
                                                      + "it would be read as part of the data")
            }
        }
        // Hidden entries (.gitkeep, .ipynb_checkpoints) and a mount's lost+found do not make a folder someone's.
        guard let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path))?
            .filter({ !$0.hasPrefix(".") && $0 != "lost+found" }), !entries.isEmpty else { return }
        let runFiles: Set = ["config.json", "train.log", "metrics.csv", "metrics.jsonl", "checkpoints"]
        guard entries.contains(where: runFiles.contains) else {
            let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
            throw TrainingError.outputNotWritable(path: url.path, reason: "it holds other files (\(shown)) and no "
                                                  + "run; a run folder must be new, empty, or an earlier run's")
        }
    }

    /// A fresh run must not silently replace another run's checkpoints: refuse, or with `overwrite` delete them.
    /// Metrics of a run that left no checkpoint are stale either way and start over; `train.log` keeps growing.
    private static func claim(_ run: RunDirectory, checkpoints: CheckpointDirectory, overwrite: Bool) throws {
        let manager = FileManager.default
        let saved = ([checkpoints.lastURL, checkpoints.bestURL, checkpoints.interruptedURL]
            + ((try? checkpoints.epochCheckpoints().map(\.url)) ?? []))
            .filter { manager.fileExists(atPath: $0.path) }
        guard saved.isEmpty || overwrite else { throw TrainingError.runExists(path: run.url.path) }
        let metrics = [run.metricsCSVURL, run.metricsJSONLURL].filter { manager.fileExists(atPath: $0.path) }
        for file in saved + metrics { try manager.removeItem(at: file) }
    }

    /// Resuming writes into a run folder only if it is the checkpoint's own run or holds no checkpoints yet.
    private static func claimForResume(_ run: RunDirectory, checkpoints: CheckpointDirectory, resuming: URL) throws {
        let own = resuming.standardizedFileURL.deletingLastPathComponent().path
            == checkpoints.url.standardizedFileURL.path
        let saved = [checkpoints.lastURL, checkpoints.bestURL, checkpoints.interruptedURL]
            .contains { FileManager.default.fileExists(atPath: $0.path) }
        guard own || !saved else { throw TrainingError.runExists(path: run.url.path) }
    }

    /// A resumed run must train the same model the same way: only `training.epochs`, the output folder, the data
    /// folders (which may move) and resource or policy settings may differ from the checkpoint's config.
    private static func requireSameRecipe(_ config: Config, as checkpoint: Checkpoint, path: String) throws {
        var saved = checkpoint.config
        saved.training.epochs = config.training.epochs
        saved.output = config.output
        saved.device = config.device
        saved.data.train = config.data.train
        saved.data.validation = config.data.validation
        saved.data.onBadImage = config.data.onBadImage
        saved.data.cacheMegabytes = config.data.cacheMegabytes
        saved.data.workers = config.data.workers
        saved.data.maxPixels = config.data.maxPixels
        saved.training.logEverySteps = config.training.logEverySteps
        saved.training.onNonFinite = config.training.onNonFinite
        let differing = [
            ("network", saved.network != config.network),
            ("training", saved.training != config.training),
            ("data", saved.data != config.data),
            ("name", saved.name != config.name),
        ].filter(\.1).map(\.0)
        guard differing.isEmpty else {
            let differences = config.json.differences(from: saved.json)
            let shown = differences.prefix(3).map { "\($0.path) is \($0.mine) here, \($0.theirs) in the checkpoint" }
                + (differences.count > 3 ? ["and \(differences.count - 3) more"] : [])
            throw TrainingError.checkpointMismatch(
                path: path,
                reason: "the config differs from the one this checkpoint was trained with: "
                    + (shown.isEmpty ? differing.joined(separator: ", ") : shown.joined(separator: "; "))
                    + "; resume with the run's own config.json (--epochs, --output and the data folders may change)")
        }
    }
}
