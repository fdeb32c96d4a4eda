import Foundation

/// A training run's whole configuration, read from a JSON config file (`dltrain train config.json`).
///
/// The file format is documented in docs and in `Config+JSON.swift`; `load(from:)` validates everything, network
/// shapes included, so a config that loads can be trained.
public struct Config: Sendable, Equatable {
    /// The run's name: letters, digits, `_`, `-` and `.`; it names the default run folder `runs/<name>`.
    public var name: String
    public var data: DataConfig
    /// The layers in order. The network ends with logits, one per class; softmax cross-entropy is implicit.
    public var network: [LayerConfig]
    public var training: TrainingConfig
    public var output: OutputConfig
    /// `"cpu"`, `"opencl"`, `"opencl:N"` or `"auto"`; nil leaves the choice to the command line.
    public var device: String?

    /// Creates a config; `output` defaults to the run folder `runs/<name>`.
    public init(
        name: String, data: DataConfig, network: [LayerConfig], training: TrainingConfig, output: OutputConfig? = nil,
        device: String? = nil
    ) {
        self.name = name
        self.data = data
        self.network = network
        self.training = training
        self.output = output ?? OutputConfig(directory: "runs/\(name)")
        self.device = device
    }

    /// Reads and validates the config file at `url`; errors name the file.
    public static func load(from url: URL) throws(ConfigError) -> Config {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError(file: url.path, path: "", "cannot read the file (\(ConfigError.reason(error)))")
        }
        return try Config(jsonData: data, file: url.path)
    }

    /// Reads and validates a config from JSON text; `file` names the source in error messages.
    public init(jsonData: Data, file: String? = nil) throws(ConfigError) {
        do {
            self = try Config(json: try Config.parse(jsonData))
            _ = try plan()
        } catch {
            throw error.inFile(file)
        }
    }

    /// The config as pretty JSON with sorted keys and every default filled in; `load` reads it back to an equal
    /// config. Written to the run folder and into checkpoints.
    public func resolvedJSON() -> Data {
        Data((json.serialized(pretty: true) + "\n").utf8)
    }
}
