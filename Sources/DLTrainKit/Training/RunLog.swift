import Foundation
import Logging

/// swift-log handlers for a run: `train.log` in the run folder gets every message with a timestamp.
enum RunLog {
    /// A logger labelled `label` that appends to `file`.
    static func logger(label: String, file: URL) -> Logger {
        Logger(label: label) { label in FileLogHandler(label: label, file: file) }
    }
}

/// Appends one timestamped line per message to a file.
struct FileLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    let file: URL

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file _: String, function: String, line: UInt) {
        let timestamp = ISO8601DateFormatter().string(from: Date())
        let text = "\(timestamp) \(level) \(label): \(message)\n"
        if !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        guard let handle = try? FileHandle(forWritingTo: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
