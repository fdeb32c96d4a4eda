/// Receives a training run's progress; the CLI prints it, tests record it.
public protocol TrainingObserver: AnyObject {
    /// The run is set up and about to train.
    func trainingWillStart(_ start: TrainingStart)
    /// A training step finished.
    func stepDidFinish(_ progress: StepProgress)
    /// An epoch finished: validation done and checkpoints written.
    func epochDidFinish(_ metrics: EpochMetrics, isBest: Bool)
    /// Something the user should see that does not stop the run: a skipped image or batch.
    func trainingDidWarn(_ message: String)
}

extension TrainingObserver {
    /// Observers that show no warnings ignore them (`train.log` has them all).
    public func trainingDidWarn(_ message: String) {}
}

/// What a run is about to do.
public struct TrainingStart: Sendable {
    public var engine: String
    public var runDirectory: String
    public var classNames: [String]
    public var trainingSamples: Int
    public var validationSamples: Int
    public var firstEpoch: Int
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var parameterCount: Int
}

/// Where a run is within an epoch.
public struct StepProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var stepsPerEpoch: Int
    /// Mean loss and accuracy over the epoch so far.
    public var loss: Double
    public var accuracy: Double
    public var imagesPerSecond: Double
    /// Estimated seconds left in the whole run.
    public var secondsRemaining: Double
    public var learningRate: Double
}
