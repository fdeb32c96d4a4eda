/// Why a training run could not start or go on; each reads as one line to the user.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case outputNotWritable(path: String, reason: String)
    case nonFiniteLoss(epoch: Int, step: Int)
    case checkpointMismatch(path: String, reason: String)
    case emptyDataset(String)

    public var description: String {
        switch self {
        case let .outputNotWritable(path, reason): return "cannot write the run folder \(path): \(reason)"
        case let .nonFiniteLoss(epoch, step):
            return "the loss became NaN or infinite at epoch \(epoch), step \(step); "
                + "try a lower learning rate (no checkpoint was written for this step)"
        case let .checkpointMismatch(path, reason): return "\(path): \(reason)"
        case let .emptyDataset(message): return message
        }
    }
}
