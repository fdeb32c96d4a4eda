import Foundation

extension BatchLoader {
    /// One pass over the data: worker threads build batches ahead of `next()`, at most `prefetchBatches` ahead.
    public final class Epoch {
        private let pipeline: EpochPipeline

        /// Images left out of the batches taken so far (`on_bad_image: "skip"`).
        public private(set) var skippedImages = 0

        init(loader: BatchLoader, order: [Int], epoch: Int, training: Bool, firstBatch: Int) {
            pipeline = EpochPipeline(loader: loader, order: order, epoch: epoch, training: training,
                                     firstBatch: firstBatch)
            let workers = min(loader.options.workerThreads, pipeline.batchCount - pipeline.firstBatch)
            for worker in 0..<workers {
                let pipeline = self.pipeline
                let thread = Thread { pipeline.work() }
                thread.name = "dltrain.loader.\(worker)"
                thread.start()
            }
        }

        deinit { pipeline.cancel() }

        /// Batches in this epoch.
        public var batchCount: Int { pipeline.batchCount }

        /// The next batch in order, nil after the last; rethrows a decode error (an `ImageError` naming the
        /// file), after which the epoch is over. Batches whose every image was skipped are passed over.
        public func next() throws -> Batch? {
            while let batch = try pipeline.take() {
                skippedImages += batch.skipped
                if batch.count > 0 { return batch }
            }
            return nil
        }
    }
}

/// The state shared by an epoch's consumer and workers, guarded by one condition variable.
final class EpochPipeline: @unchecked Sendable {
    let batchCount: Int
    let firstBatch: Int
    private let loader: BatchLoader
    private let order: [Int]
    private let epoch: Int
    private let training: Bool
    private let condition = NSCondition()
    private var nextToBuild = 0
    private var nextToTake = 0
    private var finished: [Int: Result<BatchLoader.Batch, any Error>] = [:]
    private var cancelled = false

    init(loader: BatchLoader, order: [Int], epoch: Int, training: Bool, firstBatch: Int) {
        self.loader = loader
        self.order = order
        self.epoch = epoch
        self.training = training
        batchCount = (order.count + loader.batchSize - 1) / loader.batchSize
        self.firstBatch = min(max(0, firstBatch), batchCount)
        nextToBuild = self.firstBatch
        nextToTake = self.firstBatch
    }

    /// A worker's loop: claim the next batch within the prefetch window, build it, publish it.
    func work() {
        while let index = claim() {
            let start = index * loader.batchSize
            let members = order[start..<min(start + loader.batchSize, order.count)]
            let result = Result {
                try loader.assemble(Array(members), epoch: epoch, training: training, index: index)
            }
            condition.lock()
            finished[index] = result
            if case .failure = result { cancelled = true }
            condition.broadcast()
            condition.unlock()
        }
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextToBuild < batchCount && nextToBuild >= nextToTake + loader.options.prefetchBatches {
            condition.wait()
        }
        guard !cancelled && nextToBuild < batchCount else { return nil }
        nextToBuild += 1
        return nextToBuild - 1
    }

    /// The consumer's side: wait for the next batch in order.
    func take() throws -> BatchLoader.Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToTake < batchCount else { return nil }
        while finished[nextToTake] == nil { condition.wait() }
        let result = finished.removeValue(forKey: nextToTake)!
        nextToTake += 1
        condition.broadcast()
        if case .failure = result {
            nextToTake = batchCount
            cancelled = true
        }
        return try result.get()
    }

    /// Stops workers after their current batch.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
