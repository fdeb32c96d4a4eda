/// What the loader does with an image file it cannot decode (`"on_bad_image"`).
public enum BadImagePolicy: String, Sendable, Equatable, CaseIterable {
    /// Stop with an error naming the file.
    case fail
    /// Log a warning naming the file and leave it out of the dataset.
    case skip
}
