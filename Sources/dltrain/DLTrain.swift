import ArgumentParser
import DLTrainKit

/// The `dltrain` command: train, evaluate and benchmark CNNs from a JSON config.
struct DLTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dltrain",
        abstract: "Train convolutional neural networks on the CPU (OpenBLAS) or an OpenCL device.",
        discussion: """
            Examples:
              dltrain train configs/quickstart.json
              dltrain eval runs/quickstart/checkpoints/best.safetensors
              dltrain compare-devices configs/fashion-mnist.json
            """,
        version: DLTrainVersion.current,
        subcommands: [Train.self, Eval.self, Predict.self, Summary.self, Devices.self, CompareDevices.self,
                      BenchGEMM.self, BenchMemory.self]
    )
}
