/// Where a run writes its logs and checkpoints (`"output"`).
public struct OutputConfig: Sendable, Equatable {
    /// The run folder; `runs/<name>` by default.
    public var directory: String
    /// Write an `epoch-NNNN.safetensors` checkpoint every this many epochs.
    public var checkpointEveryEpochs: Int
    /// How many `epoch-NNNN.safetensors` files to keep; 0 keeps only `last` and `best`.
    public var keepLast: Int

    /// Creates an output config.
    public init(directory: String, checkpointEveryEpochs: Int = 1, keepLast: Int = 3) {
        self.directory = directory
        self.checkpointEveryEpochs = checkpointEveryEpochs
        self.keepLast = keepLast
    }
}

extension OutputConfig {
    static let keys = ["directory", "checkpoint_every_epochs", "keep_last"]

    init(_ reader: ObjectReader, name: String) throws(ConfigError) {
        directory = try reader.optionalString("directory") ?? "runs/\(name)"
        checkpointEveryEpochs = try reader.integer("checkpoint_every_epochs", in: Limits.epochs, default: 1)
        keepLast = try reader.integer("keep_last", in: Limits.keepLast, default: 3)
    }

    var json: JSONValue {
        .object([JSONMember("directory", .string(directory)),
                 JSONMember("checkpoint_every_epochs", .integer(checkpointEveryEpochs)),
                 JSONMember("keep_last", .integer(keepLast))])
    }
}
