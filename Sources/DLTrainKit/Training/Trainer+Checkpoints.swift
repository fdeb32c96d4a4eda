import Foundation

extension Trainer {
    /// Writes `last`, `epoch-N` (every `checkpoint_every_epochs` and at the end) and, when improved, `best`,
    /// then records the epoch's metrics; returns whether it is the best so far. A non-finite model or a failed
    /// write throws before anything is recorded, leaving the files already on disk as they were.
    func finishEpoch(_ metrics: EpochMetrics) throws -> Bool {
        let accuracy = metrics.validationAccuracy ?? metrics.trainAccuracy
        let isBest = accuracy.isFinite && (bestAccuracy.map { accuracy > $0 } ?? true)
        let periodic = config.output.keepLast > 0
            && (metrics.epoch % config.output.checkpointEveryEpochs == 0 || metrics.epoch == config.training.epochs)
        let metadata = CheckpointMetadata(
            configJSON: config.resolvedJSON(), classNames: data.training.classNames, epoch: metrics.epoch,
            step: step, bestValidationAccuracy: isBest ? accuracy : bestAccuracy, metrics: metrics,
            device: engine.name)
        let targets = [checkpoints.lastURL] + (periodic ? [checkpoints.epochURL(metrics.epoch)] : [])
            + (isBest ? [checkpoints.bestURL] : [])
        try writeCheckpoint(metadata: metadata, to: targets)
        if periodic {
            do {
                try checkpoints.prune(keepLast: config.output.keepLast)
            } catch {
                throw TrainingError.checkpointWriteFailed(error, folder: checkpoints.url.path)
            }
        }
        // An interrupted checkpoint is superseded once its epoch is complete: resuming it again would rewind.
        try? FileManager.default.removeItem(at: checkpoints.interruptedURL)
        completedEpochs = metrics.epoch
        if isBest { bestAccuracy = accuracy }
        try runDirectory.record(metrics)
        logger.info("\(metrics.summary)  step \(step)  lr \(metrics.learningRate)\(isBest ? "  (best)" : "")")
        return isBest
    }

    /// Encodes the model once (refusing NaN or infinite values) and writes it atomically to each of `urls`.
    func writeCheckpoint(metadata: CheckpointMetadata, to urls: [URL]) throws {
        let encoded = try Checkpoint.encode(network: network, optimizer: optimizer, metadata: metadata)
        for url in urls {
            do {
                try AtomicFile.write(encoded, to: url)
            } catch {
                logger.error("cannot write \(url.path): \(error)")
                throw TrainingError.checkpointWriteFailed(error, folder: checkpoints.url.path)
            }
        }
    }
}
