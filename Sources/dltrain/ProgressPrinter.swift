import DLTrainKit
import Foundation

/// Prints a training run: a live progress line on a terminal, plain periodic lines otherwise.
final class ProgressPrinter: TrainingObserver {
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private let plainEverySteps: Int
    private var lineIsOpen = false

    /// Creates a printer; without a terminal it prints every `plainEverySteps` steps.
    init(plainEverySteps: Int) {
        self.plainEverySteps = max(1, plainEverySteps)
    }

    func trainingWillStart(_ start: TrainingStart) {
        print("engine      \(start.engine)")
        print("run folder  \(start.runDirectory)")
        print("data        \(start.trainingSamples) training, \(start.validationSamples) validation images, "
              + "\(start.classNames.count) classes")
        print("model       \(start.parameterCount) parameters; \(start.stepsPerEpoch) steps per epoch")
        if start.firstEpoch > 1 { print("resuming at epoch \(start.firstEpoch) of \(start.epochs)") }
        fflush(nil)
    }

    func stepDidFinish(_ progress: StepProgress) {
        let line = String(format: "epoch %d/%d  step %d/%d  loss %.4f  acc %.2f%%  %.0f img/s  lr %.4g  ETA %@",
                          progress.epoch, progress.epochs, progress.step, progress.stepsPerEpoch, progress.loss,
                          progress.accuracy * 100, progress.imagesPerSecond, progress.learningRate,
                          Self.duration(progress.secondsRemaining))
        if isTerminal {
            print("\r\u{1B}[2K" + line, terminator: "")
            lineIsOpen = true
            fflush(nil)
        } else if progress.step % plainEverySteps == 0 {
            print(line)
            fflush(nil)
        }
    }

    func epochDidFinish(_ metrics: EpochMetrics, isBest: Bool) {
        closeLine()
        print(metrics.summary + (isBest ? "  (best)" : ""))
        fflush(nil)
    }

    /// Warnings go to standard error, apart from the progress on standard output.
    func trainingDidWarn(_ message: String) {
        closeLine()
        fflush(nil)
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// Ends a live progress line, so the next output starts on a line of its own.
    func closeLine() {
        if lineIsOpen { print("\r\u{1B}[2K", terminator: "") }
        lineIsOpen = false
    }

    /// Writes one line to standard error at once (safe from the signal-watching queue).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\n\(message)\n".utf8))
    }

    /// `"1h02m"`, `"3m05s"`, `"42s"`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
