/// How far training got into an epoch: what an `interrupted` checkpoint records so that `--resume` continues
/// the epoch at the next batch, with the epoch's running totals.
public struct EpochProgress: Codable, Equatable, Sendable {
    /// Batches of the epoch consumed (trained on or skipped); the epoch goes on at batch `batches`.
    public var batches = 0
    /// Batches in the whole epoch when the checkpoint was written (a resumed run must have the same).
    public var batchCount = 0
    /// Sum of per-image losses, images seen and correctly classified so far.
    public var lossSum = 0.0
    public var seen = 0
    public var correct = 0
    /// Undecodable images left out so far (`data.on_bad_image: "skip"`).
    public var skippedImages = 0
    /// Batches left out for a NaN or infinite loss or gradient (`training.on_nonfinite: "skip"`).
    public var skippedBatches = 0

    enum CodingKeys: String, CodingKey {
        case batches, seen, correct
        case batchCount = "batch_count"
        case lossSum = "loss_sum"
        case skippedImages = "skipped_images"
        case skippedBatches = "skipped_batches"
    }
}
