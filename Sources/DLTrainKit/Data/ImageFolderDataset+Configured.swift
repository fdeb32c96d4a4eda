import Foundation

extension ImageFolderDataset {
    /// The dataset in the folder a config key (or option) `key` names, requiring `classNames` (`classesOf`'s, e.g.
    /// "data.train's") when given. Relative paths are read from the current folder, so a missing folder's error
    /// names the key, says so for a relative path, and adds `advice`; a class mismatch names the key and `classesOf`.
    init(configured path: String, key: String, classNames: [String]? = nil, classesOf: String = "the model's",
         advice: String = "") throws {
        do {
            try self.init(root: URL(fileURLWithPath: path), classNames: classNames)
        } catch DatasetError.missingFolder(let resolved) {
            throw DatasetError.missingConfiguredFolder(key: key, path: path, resolved: resolved, advice: advice)
        } catch DatasetError.classMismatch(let root, let missing, let unexpected, _) {
            throw DatasetError.classMismatch(root: "\(key) (\(root))", missing: missing, unexpected: unexpected,
                                             reference: classesOf)
        }
    }
}
