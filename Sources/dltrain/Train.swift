import ArgumentParser
import DLTrainKit
import Foundation

/// `dltrain train <config>`: trains with progress, logs and checkpoints.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the network a config describes.",
        discussion: """
            Writes runs/<name>/ (or --output): config.json, train.log, metrics.csv, metrics.jsonl and
            checkpoints/{epoch-N,last,best}.safetensors. --resume continues a run exactly where a checkpoint
            left off.
            """)

    @Argument(help: "The JSON config file.")
    var config: String

    @OptionGroup var deviceOptions: DeviceOptions

    @Option(help: "Train until this epoch (overrides training.epochs).")
    var epochs: Int?

    @Option(help: "Continue from a checkpoint (e.g. runs/x/checkpoints/last.safetensors).")
    var resume: String?

    @Option(help: "The run folder (overrides output.directory).")
    var output: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        let loaded = try Config.load(from: URL(fileURLWithPath: config))
        let engine = try deviceOptions.makeEngine(configDevice: loaded.device)
        let options = Trainer.Options(epochs: epochs, resume: resume.map { URL(fileURLWithPath: $0) },
                                      outputDirectory: output)
        let trainer = try Trainer(config: loaded, engine: engine, options: options)
        let printer = ProgressPrinter(plainEverySteps: trainer.config.training.logEverySteps)
        try trainer.run(observer: printer)
        let best = trainer.runDirectory.checkpointsURL.appendingPathComponent("best.safetensors").path
        print("best checkpoint: \(best)")
        print("evaluate it:     dltrain eval \(best)")
    }
}
