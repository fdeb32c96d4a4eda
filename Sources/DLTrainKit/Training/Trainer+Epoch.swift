import Engine
import Foundation
import ImageIO

extension Trainer {
    /// Trains one epoch (from a resumed position when there is one) and validates; returns its metrics. An
    /// undecodable image under `on_bad_image: "fail"` ends it with `TrainingError.badImage`.
    func trainEpoch(_ epoch: Int, observer: TrainingObserver?,
                    secondsRemaining: (Int) -> Double) throws -> EpochMetrics {
        do {
            return try trainAndValidate(epoch, observer: observer, secondsRemaining: secondsRemaining)
        } catch let error as ImageError {
            throw TrainingError.badImage(error)
        }
    }

    private func trainAndValidate(_ epoch: Int, observer: TrainingObserver?,
                    secondsRemaining: (Int) -> Double) throws -> EpochMetrics {
        let start = Date()
        var progress = resumedProgress ?? EpochProgress()
        resumedProgress = nil
        progress.batchCount = data.trainingLoader.batchCount
        let skippedBefore = progress.skippedImages
        let batches = data.trainingLoader.batches(epoch: epoch, training: true, from: progress.batches)
        var seenHere = 0
        var learningRate = schedule.rate(atStep: step)
        while let batch = try batches.next() {
            learningRate = schedule.rate(atStep: step)
            if let loss = try trainStep(on: batch, epoch: epoch, learningRate: learningRate, observer: observer) {
                progress.lossSum += Double(loss.loss) * Double(batch.count)
                progress.correct += loss.correct
                progress.seen += batch.count
                seenHere += batch.count
            } else {
                progress.skippedBatches += 1
            }
            progress.batches = batch.index + 1
            progress.skippedImages = skippedBefore + batches.skippedImages
            reportSkippedImages(observer)
            let seen = max(progress.seen, 1)
            observer?.stepDidFinish(StepProgress(
                epoch: epoch, epochs: config.training.epochs, step: progress.batches,
                stepsPerEpoch: batches.batchCount, loss: progress.lossSum / Double(seen),
                accuracy: Double(progress.correct) / Double(seen),
                imagesPerSecond: Double(seenHere) / Date().timeIntervalSince(start),
                secondsRemaining: secondsRemaining(progress.batches), learningRate: Double(learningRate)))
            if stopRequest?.isRequested == true, progress.batches < batches.batchCount {
                try stop(inEpoch: epoch, progress: progress)
            }
        }
        progress.skippedImages = skippedBefore + batches.skippedImages
        reportSkippedImages(observer)
        let seconds = Date().timeIntervalSince(start)
        let seen = Double(max(progress.seen, 1))
        var metrics = EpochMetrics(epoch: epoch, step: step, learningRate: Double("\(learningRate)") ?? 0,
                                   trainLoss: progress.lossSum / seen, trainAccuracy: Double(progress.correct) / seen,
                                   validationLoss: nil, validationAccuracy: nil, seconds: seconds,
                                   imagesPerSecond: Double(seenHere) / seconds,
                                   skippedImages: progress.skippedImages, skippedBatches: progress.skippedBatches)
        if let loader = data.validationLoader {
            let validation = try Evaluator.evaluate(network, loader: loader, classNames: data.training.classNames)
            metrics.validationLoss = validation.loss
            metrics.validationAccuracy = validation.accuracy
            metrics.skippedImages += loader.badImageCount
            reportSkippedImages(observer)
        }
        return metrics
    }

    /// One optimizer step on `batch`; nil when the batch was skipped for a NaN or infinite loss or gradient.
    private func trainStep(on batch: BatchLoader.Batch, epoch: Int, learningRate: Float,
                           observer: TrainingObserver?) throws -> LossResult? {
        let skipping = config.training.onNonFinite == .skip
        let savedState = skipping ? try saveLayerState() : []
        network.seedDropout(runSeed: UInt64(config.training.seed), step: step)
        // Layers may apply plain SGD's updates in the backward pass, unless something reads the gradients between
        // the backward pass and the update: the skip policy's check, or the tests' hook.
        if !skipping && afterBackward == nil { optimizer.offerUpdates(learningRate: learningRate) }
        defer { optimizer.clearOffers() }
        let result = try network.computeGradients(images: batch.images, labels: batch.labels, batch: batch.count)
        try afterBackward?(step + 1)
        let fault = result.loss.isFinite && !skipping ? nil : try nonFiniteFault(loss: result.loss, batch: batch)
        if let fault {
            guard skipping else { throw TrainingError.nonFinite(epoch: epoch, step: step + 1, where: fault) }
            try restoreLayerState(savedState)
            let message = "skipped batch \(batch.index + 1) of epoch \(epoch): \(fault) became NaN or infinite"
            logger.warning("\(message)")
            observer?.trainingDidWarn(message)
            return nil
        }
        try optimizer.step(learningRate: learningRate)
        step += 1
        return result
    }

    /// Logs (once each) and shows the images the loaders skipped since the last call.
    private func reportSkippedImages(_ observer: TrainingObserver?) {
        let loaders = [data.trainingLoader] + (data.validationLoader.map { [$0] } ?? [])
        for error in loaders.flatMap({ $0.takeSkippedImageErrors() }) {
            logger.warning("skipped bad image \(error)")
            observer?.trainingDidWarn("skipped bad image \(error)")
        }
    }

    /// Writes the `interrupted` checkpoint at `progress` into `epoch` and ends the run.
    func stop(inEpoch epoch: Int, progress: EpochProgress) throws -> Never {
        let metadata = CheckpointMetadata(
            configJSON: config.resolvedJSON(), classNames: data.training.classNames, epoch: epoch - 1, step: step,
            bestValidationAccuracy: bestAccuracy, metrics: nil, device: engine.name,
            progress: progress.batches == 0 ? nil : progress)
        try writeCheckpoint(metadata: metadata, to: [checkpoints.interruptedURL])
        logger.info("""
            interrupted in epoch \(epoch) after batch \(progress.batches) of \(progress.batchCount); \
            wrote \(checkpoints.interruptedURL.path)
            """)
        throw TrainingError.interrupted(checkpoint: checkpoints.interruptedURL.path, epoch: epoch,
                                        batch: progress.batches, batchCount: progress.batchCount)
    }
}
