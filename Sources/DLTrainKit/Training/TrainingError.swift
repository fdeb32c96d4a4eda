import ImageIO

/// Why a training run could not start or go on; each reads as one line to the user.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case outputNotWritable(path: String, reason: String)
    /// A NaN or infinite loss, gradient or weight, found at `step` (1-based) of `epoch`.
    case nonFinite(epoch: Int, step: Int, where: String)
    /// A checkpoint would have held NaN or infinite values; nothing was written.
    case nonFiniteCheckpoint(epoch: Int, tensor: String)
    case checkpointMismatch(path: String, reason: String)
    case emptyDataset(String)
    /// The run folder already holds a run, and neither resuming nor overwriting was asked for.
    case runExists(path: String)
    /// Another trainer (process `processID`, when its lock file says) is writing the run folder.
    case runInUse(path: String, processID: Int?)
    /// An image could not be decoded under `on_bad_image: "fail"`.
    case badImage(ImageError)
    /// Writing a checkpoint failed; the files already in the folder are untouched.
    case checkpointWriteFailed(CheckpointError, folder: String)
    /// The resumed checkpoint has already trained every requested epoch.
    case nothingToResume(path: String, epoch: Int)
    /// A signal stopped the run after a step; `checkpoint` continues it.
    case interrupted(checkpoint: String, epoch: Int, batch: Int, batchCount: Int)

    public var description: String {
        switch self {
        case let .outputNotWritable(path, reason): return "cannot write the run folder \(path): \(reason)"
        case let .nonFinite(epoch, step, location):
            return "\(location) became NaN or infinite at epoch \(epoch), step \(step); try a lower learning "
                + "rate, or set training.on_nonfinite to \"skip\" (no checkpoint was written for this step)"
        case let .nonFiniteCheckpoint(epoch, tensor):
            return "after epoch \(epoch) tensor \"\(tensor)\" holds NaN or infinite values; no checkpoint was "
                + "written (last and best still hold the previous epoch)"
        case let .checkpointMismatch(path, reason): return "\(path): \(reason)"
        case let .emptyDataset(message): return message
        case let .runExists(path):
            return "\(path) already holds a run; continue it with --resume \(path)/checkpoints/last.safetensors, "
                + "start over with --overwrite, or choose another --output"
        case let .runInUse(path, processID):
            return "\(path) is in use by another dltrain train\(processID.map { " (process \($0))" } ?? ""); wait "
                + "for it to finish, or choose another --output"
        case let .badImage(error):
            return "\(error) (set data.on_bad_image to \"skip\" or pass --skip-bad-images to leave such files out)"
        case let .checkpointWriteFailed(error, folder):
            return "cannot write a checkpoint: \(error); the checkpoints already in \(folder) are intact"
        case let .nothingToResume(path, epoch):
            return "\(path) has already trained epoch \(epoch), the last one; pass a larger --epochs to go on"
        case let .interrupted(checkpoint, epoch, batch, batchCount):
            return "interrupted in epoch \(epoch) after batch \(batch) of \(batchCount); saved \(checkpoint)"
        }
    }
}
