import Foundation

/// The folder a training run writes: resolved config, logs, metrics and checkpoints.
public struct RunDirectory: Sendable {
    /// The run folder, `runs/<name>` by default.
    public let url: URL

    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var logURL: URL { url.appendingPathComponent("train.log") }
    public var metricsCSVURL: URL { url.appendingPathComponent("metrics.csv") }
    public var metricsJSONLURL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints") }

    /// Creates the folders and proves they are writable, before any data is read.
    public init(url: URL) throws {
        self.url = url
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw TrainingError.outputNotWritable(path: url.path, reason: "it exists and is not a folder")
        }
        do {
            try manager.createDirectory(at: checkpointsURL, withIntermediateDirectories: true)
            let probe = checkpointsURL.appendingPathComponent(".write-probe-\(getpid())")
            try Data().write(to: probe)
            try manager.removeItem(at: probe)
        } catch {
            throw TrainingError.outputNotWritable(path: url.path, reason: ConfigError.reason(error))
        }
    }

    /// Appends `line` and a newline to the file at `fileURL`, creating it (with `header` first) if needed.
    func append(_ line: String, to fileURL: URL, header: String? = nil) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: fileURL.path) {
            try Data((header.map { $0 + "\n" } ?? "").utf8).write(to: fileURL)
        }
        let handle = try FileHandle(forWritingTo: fileURL)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Appends one epoch to `metrics.csv` and `metrics.jsonl`.
    func record(_ metrics: EpochMetrics) throws {
        try append(metrics.csvRow, to: metricsCSVURL, header: EpochMetrics.csvHeader)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try append(String(decoding: try encoder.encode(metrics), as: UTF8.self), to: metricsJSONLURL)
    }

    /// Drops the metrics rows of epochs after `epoch` (a run resumed from an earlier checkpoint redoes them).
    func discardMetrics(after epoch: Int) throws {
        func keep(_ url: URL, epochOf: (Substring) -> Int?) throws {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
            let lines = text.split(separator: "\n")
            let kept = lines.filter { line in epochOf(line).map { $0 <= epoch } ?? true }
            guard kept.count != lines.count else { return }
            try AtomicFile.write(Data(kept.map { $0 + "\n" }.joined().utf8), to: url)
        }
        try keep(metricsCSVURL) { line in Int(line.prefix { $0 != "," }) }
        try keep(metricsJSONLURL) { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["epoch"] as? Int
        }
    }
}
