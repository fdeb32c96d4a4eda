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

    func log(event: LogEvent) {
        let timestamp = ISO8601DateFormatter().string(from: Date())
        let text = "\(timestamp) \(event.level) \(label): \(event.message)\n"
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        guard let handle = try? FileHandle(forWritingTo: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
