import Foundation

/// A run's `checkpoints/` folder: `epoch-0003.safetensors`, `last.safetensors`, `best.safetensors`.
public struct CheckpointDirectory: Sendable, Equatable {
    /// The folder itself.
    public let url: URL

    /// The checkpoint folder of the run folder `runDirectory` (`runs/<name>/checkpoints`).
    public init(runDirectory: URL) {
        url = runDirectory.appendingPathComponent("checkpoints", isDirectory: true)
    }

    /// The checkpoint written after `epoch` (1-based): `epoch-0003.safetensors`.
    public func epochURL(_ epoch: Int) -> URL {
        let digits = String(epoch)
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return url.appendingPathComponent("epoch-\(padded).safetensors")
    }

    /// The most recent checkpoint, for resuming.
    public var lastURL: URL { url.appendingPathComponent("last.safetensors") }

    /// The checkpoint with the best validation metric so far.
    public var bestURL: URL { url.appendingPathComponent("best.safetensors") }

    /// The checkpoint a signal-stopped run writes, possibly mid-epoch.
    public var interruptedURL: URL { url.appendingPathComponent("interrupted.safetensors") }

    /// Deletes the temporary files (`.<name>.tmp-<pid>`) that `AtomicFile` writers killed mid-write left behind;
    /// files of a process still running are kept. Returns the deleted files.
    @discardableResult
    public func removeStaleTemporaryFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.compactMap { name -> URL? in
            guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
                  let pid = pid_t(name[marker.upperBound...]), pid > 0 else { return nil }
            guard pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { return nil }
            let file = url.appendingPathComponent(name)
            return unlink(file.path) == 0 ? file : nil
        }
    }

    /// Creates the folder (and its parents) if needed.
    public func create() throws(CheckpointError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(file: url.path, "cannot create the folder (\(ConfigError.reason(error)))")
        }
    }

    /// The `epoch-N.safetensors` files present, oldest epoch first; other files are not listed.
    public func epochCheckpoints() throws(CheckpointError) -> [(epoch: Int, url: URL)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw CheckpointError(file: url.path, "cannot list the folder (\(ConfigError.reason(error)))")
        }
        return names.compactMap { name in CheckpointDirectory.epoch(inFileName: name).map { ($0, url.appendingPathComponent(name)) } }
            .sorted { $0.epoch < $1.epoch }
    }

    /// Deletes all but the newest `keepLast` epoch checkpoints and returns the deleted files; `last`, `best`,
    /// temporary files and anything else in the folder are left alone.
    @discardableResult
    public func prune(keepLast: Int) throws(CheckpointError) -> [URL] {
        let doomed = try epochCheckpoints().dropLast(max(0, keepLast)).map(\.url)
        for file in doomed where unlink(file.path) != 0 && errno != ENOENT {
            throw CheckpointError.system("unlink", file: file.path)
        }
        return doomed
    }

    /// The epoch of a file named exactly `epoch-<digits>.safetensors`.
    static func epoch(inFileName name: String) -> Int? {
        guard name.hasPrefix("epoch-"), name.hasSuffix(".safetensors") else { return nil }
        let digits = name.dropFirst("epoch-".count).dropLast(".safetensors".count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
