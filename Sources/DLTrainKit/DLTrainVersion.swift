/// The version written into checkpoints and printed by `dltrain --version`.
public enum DLTrainVersion {
    public static let current = "0.1.0"
}
