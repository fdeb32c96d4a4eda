import Engine
import Foundation

/// A dltrain checkpoint: the model's tensors, the optimizer's state and the run's metadata, as safetensors.
public struct Checkpoint: Sendable {
    /// The file's tensors and metadata strings.
    public let file: SafeTensorsFile
    /// The parsed dltrain metadata.
    public let metadata: CheckpointMetadata
    /// The config the model was trained with.
    public let config: Config

    /// Reads and validates a checkpoint (hostile input is rejected with a clear error, never trusted).
    public static func load(from url: URL) throws -> Checkpoint {
        let file = try SafeTensorsFile.read(from: url)
        let metadata = try CheckpointMetadata(strings: file.metadata, file: url.path)
        let config: Config
        do {
            config = try Config(jsonData: metadata.configJSON, file: "\(url.path) (embedded config)")
        } catch {
            throw CheckpointError(file: url.path, "its embedded config is invalid: \(error)")
        }
        return Checkpoint(file: file, metadata: metadata, config: config)
    }

    /// Downloads the network's and optimizer's tensors and encodes them with `metadata` as safetensors;
    /// refuses (`TrainingError.nonFiniteCheckpoint`) when any value is NaN or infinite.
    static func encode(network: Network, optimizer: Optimizer?, metadata: CheckpointMetadata) throws -> Data {
        let named = network.namedTensors + (optimizer?.namedState ?? [])
        let tensors = try named.map { name, tensor in
            let values = try network.engine.download(tensor)
            guard values.allSatisfy(\.isFinite) else {
                throw TrainingError.nonFiniteCheckpoint(epoch: metadata.epoch, tensor: name)
            }
            return NamedTensor(name: name, shape: tensor.shape.dimensions, values: values)
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata.strings).encoded()
    }

    /// Uploads the saved values into `network` (and `optimizer`), checking every name and shape.
    func restore(into network: Network, optimizer: Optimizer?, path: String) throws {
        let named = network.namedTensors + (optimizer?.namedState ?? [])
        for (name, tensor) in named {
            guard let saved = file[name] else {
                throw TrainingError.checkpointMismatch(path: path, reason: "tensor \"\(name)\" is missing")
            }
            guard saved.shape == tensor.shape.dimensions else {
                throw TrainingError.checkpointMismatch(
                    path: path,
                    reason: "tensor \"\(name)\" has shape \(saved.shape), the network expects \(tensor.shape.dimensions)")
            }
            guard saved.values.allSatisfy(\.isFinite) else {
                throw TrainingError.checkpointMismatch(
                    path: path, reason: "tensor \"\(name)\" holds NaN or infinite values")
            }
            try saved.values.withUnsafeBufferPointer { try network.engine.upload($0, to: tensor) }
        }
    }

    /// Builds the checkpoint's network on `engine` with the saved weights, ready for evaluation.
    public func makeNetwork(on engine: ComputeEngine, path: String) throws -> Network {
        let network = try NetworkBuilder.build(layers: config.network, inputShape: Shape(config.data.input.shape),
                                               seed: UInt64(config.training.seed), engine: engine)
        try restore(into: network, optimizer: nil, path: path)
        return network
    }
}
