import Foundation

/// A safetensors file of float32 tensors: an 8-byte little-endian header length N, N bytes of JSON header
/// (`{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`, padded with
/// spaces to a multiple of 8), then the tensors' raw little-endian bytes, contiguous and in header order.
/// Readable by Python's `safetensors` and so by PyTorch and numpy users.
public struct SafeTensorsFile: Sendable, Equatable {
    /// The tensors in file order; names are unique.
    public let tensors: [NamedTensor]
    /// Free-form string pairs (`__metadata__`): config JSON, epoch, class names, …
    public var metadata: [String: String]

    /// Creates a file from uniquely named tensors and metadata.
    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        precondition(Set(tensors.map(\.name)).count == tensors.count, "tensor names must be unique")
        precondition(!tensors.contains { $0.name == SafeTensorsFile.metadataKey }, "\"__metadata__\" is reserved")
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, if any.
    public subscript(name: String) -> NamedTensor? {
        tensors.first { $0.name == name }
    }

    /// Reads and validates the file at `url`; never trusts its sizes before checking them against the file.
    public static func read(from url: URL) throws(CheckpointError) -> SafeTensorsFile {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            // A run folder or its checkpoints folder: name its best checkpoint (to evaluate) and last (to resume).
            let folder = [url.appendingPathComponent("checkpoints"), url].first {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("last.safetensors").path)
                    || FileManager.default.fileExists(atPath: $0.appendingPathComponent("best.safetensors").path)
            }
            let meant = ["best.safetensors", "last.safetensors"].compactMap { name in
                folder.map { $0.appendingPathComponent(name).path }.flatMap {
                    FileManager.default.fileExists(atPath: $0) ? $0 : nil
                }
            }
            throw CheckpointError(file: url.path, "is a folder, not a checkpoint file"
                                  + (meant.isEmpty ? "" : "; its checkpoints: " + meant.joined(separator: ", ")))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CheckpointError(file: url.path, "cannot read the file (\(ConfigError.reason(error)))")
        }
        return try SafeTensorsFile(data: data, file: url.path)
    }

    static let metadataKey = "__metadata__"
    /// The largest header accepted when reading: 100 MB.
    static let maximumHeaderLength = 100_000_000
}
