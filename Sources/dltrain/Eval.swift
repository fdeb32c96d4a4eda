import ArgumentParser
import DLTrainKit
import Foundation

/// `dltrain eval <checkpoint>`: accuracy, top-5, per-class metrics and the confusion matrix.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a checkpoint on a labelled image folder.",
        discussion: "Uses the checkpoint's validation folder unless --data names another one.")

    @Argument(help: "A .safetensors checkpoint written by dltrain train.")
    var checkpoint: String

    @Option(help: "A folder with one subfolder per class (default: the config's validation folder).")
    var data: String?

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @OptionGroup var deviceOptions: DeviceOptions

    func run() throws {
        let engine = try deviceOptions.makeEngine()
        let evaluation = try CheckpointEvaluation(checkpoint: URL(fileURLWithPath: checkpoint),
                                                  dataFolder: data, engine: engine)
        let metrics = try evaluation.run()
        if json {
            print(try metrics.jsonReport(extra: ["checkpoint": checkpoint, "data": evaluation.dataFolder,
                                                 "engine": engine.name]))
        } else {
            print("checkpoint  \(checkpoint) (epoch \(evaluation.checkpoint.metadata.epoch))")
            print("data        \(evaluation.dataFolder)")
            print("engine      \(engine.name)")
            print("")
            print(metrics.textReport())
        }
    }
}
