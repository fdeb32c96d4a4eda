import Foundation

extension ImageFolderDataset {
    /// The dataset in the folder a config key (or option) `key` names. Relative paths are read from the current
    /// folder, so a missing folder's error names the key, says so for a relative path, and adds `advice`.
    init(configured path: String, key: String, classNames: [String]? = nil, advice: String = "") throws {
        do {
            try self.init(root: URL(fileURLWithPath: path), classNames: classNames)
        } catch DatasetError.missingFolder(let resolved) {
            throw DatasetError.missingConfiguredFolder(key: key, path: path, resolved: resolved, advice: advice)
        }
    }
}
