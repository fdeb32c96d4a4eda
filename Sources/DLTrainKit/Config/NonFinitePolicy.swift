/// What training does when a step's loss or a gradient is NaN or infinite (`"training.on_nonfinite"`).
public enum NonFinitePolicy: String, Sendable, Equatable, CaseIterable {
    /// Stop with an error naming the step and the first layer where the value appeared.
    case stop
    /// Leave the batch out (no update), count it in the epoch's metrics, and go on.
    case skip
}
