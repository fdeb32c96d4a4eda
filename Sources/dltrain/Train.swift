import ArgumentParser
import DLTrainKit
import Foundation

/// `dltrain train <config>`: trains with progress, logs and checkpoints.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the network a config describes.",
        discussion: "Writes runs/<name>/ (or --output): config.json, train.log, metrics.csv, metrics.jsonl and "
            + "checkpoints/{epoch-N,last,best}.safetensors. --resume continues a run exactly where a checkpoint "
            + "left off. Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes "
            + "checkpoints/interrupted.safetensors and exits with status 130; a second Ctrl-C quits at once.")

    @Argument(help: "The JSON config file.")
    var config: String

    @OptionGroup var deviceOptions: DeviceOptions

    @Option(help: "Train until this epoch (overrides training.epochs).")
    var epochs: Int?

    @Option(help: "Continue from a checkpoint (e.g. runs/x/checkpoints/last.safetensors).")
    var resume: String?

    @Option(help: "The run folder (overrides output.directory).")
    var output: String?

    @Flag(help: "Start over in a run folder that already holds a run (deletes its checkpoints and metrics).")
    var overwrite = false

    @Flag(help: "Leave undecodable images out, logging each once (sets data.on_bad_image to \"skip\").")
    var skipBadImages = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if overwrite && resume != nil { throw ValidationError("--overwrite starts over; it cannot go with --resume") }
    }

    func run() throws {
        let loaded = try Config.load(from: URL(fileURLWithPath: config))
        let engine = try deviceOptions.makeEngine(configDevice: loaded.device)
        let stopRequest = StopRequest()
        let options = Trainer.Options(epochs: epochs, resume: resume.map { URL(fileURLWithPath: $0) },
                                      outputDirectory: output, skipBadImages: skipBadImages,
                                      stopRequest: stopRequest, overwrite: overwrite)
        let trainer = try Trainer(config: loaded, engine: engine, options: options)
        let printer = ProgressPrinter(plainEverySteps: trainer.config.training.logEverySteps)
        let signals = InterruptSignals(request: stopRequest) { _ in
            ProgressPrinter.note("stopping after this step (press Ctrl-C again to quit at once)")
        }
        defer { withExtendedLifetime(signals) {} }
        do {
            try trainer.run(observer: printer)
        } catch TrainingError.interrupted(let checkpoint, let epoch, let batch, let batchCount) {
            printer.closeLine()
            print("interrupted in epoch \(epoch) after batch \(batch) of \(batchCount); saved \(checkpoint)")
            print("resume with: dltrain train \(resumeArguments(checkpoint))")
            throw ExitCode(InterruptSignals.exitStatus)
        }
        printBestCheckpoint(of: trainer)
    }

    /// Where the run's best checkpoint is and how to evaluate it. A run resumed into another folder writes one only
    /// when an epoch beats the resumed run's best; a config without validation data needs a labelled folder for eval.
    private func printBestCheckpoint(of trainer: Trainer) {
        let checkpoints = CheckpointDirectory(runDirectory: trainer.runDirectory.url)
        let best = checkpoints.bestURL.path
        guard FileManager.default.fileExists(atPath: best) else {
            let earlier = resume.map {
                URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("best.safetensors").path
            }
            let kept = earlier.map { FileManager.default.fileExists(atPath: $0) ? "; the best is still \($0)" : "" }
            print("no epoch of this run beat the best so far\(kept ?? ""), so \(checkpoints.url.path) holds no "
                  + "best.safetensors")
            print("last checkpoint: \(checkpoints.lastURL.path)")
            return
        }
        let data = trainer.config.data
        let labelled = data.validation != nil || data.validationSplit != nil ? "" : " --data <a labelled folder>"
        print("best checkpoint: \(best)")
        print("evaluate it:     dltrain eval \(best)\(labelled)")
    }

    /// The arguments that continue this run from `checkpoint`, shell-quoted where needed.
    private func resumeArguments(_ checkpoint: String) -> String {
        var arguments = [config, "--resume", checkpoint]
        if let output { arguments += ["--output", output] }
        if let epochs { arguments += ["--epochs", String(epochs)] }
        if skipBadImages { arguments.append("--skip-bad-images") }
        if let device = deviceOptions.device { arguments += ["--device", device] }
        if let threads = deviceOptions.threads { arguments += ["--threads", String(threads)] }
        return arguments.map { argument in
            argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=".contains($0) }
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
