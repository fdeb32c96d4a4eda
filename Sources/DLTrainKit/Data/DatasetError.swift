import Foundation

/// Why a dataset folder or loader configuration cannot be used; messages name the folder or the option.
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The dataset root does not exist.
    case missingFolder(String)
    /// The folder a config key (or option) names does not exist: `path` as written, `resolved` where it was looked
    /// for, and what to do about it.
    case missingConfiguredFolder(key: String, path: String, resolved: String, advice: String)
    /// The dataset root is a file.
    case notAFolder(String)
    /// A folder could not be listed.
    case unreadableFolder(String, reason: String)
    /// The root has no subfolders to use as classes.
    case noClassFolders(String)
    /// A class folder holds no image files.
    case emptyClass(name: String, folder: String, ignored: [String] = [])
    /// Every image of a class folder was undecodable and skipped.
    case noReadableImages(name: String, folder: String)
    /// The class folders differ from the classes expected: `reference`'s (the model's by default).
    case classMismatch(root: String, missing: [String], unexpected: [String], reference: String = "the model's")
    /// `validation_split` outside (0, 1).
    case invalidValidationFraction(Double)
    /// A loader option is out of range.
    case invalidLoaderOption(String)

    public var description: String {
        switch self {
        case .missingFolder(let path): "dataset folder \(path) does not exist"
        case .missingConfiguredFolder(let key, let path, let resolved, let advice):
            "\(key): dataset folder \(resolved) does not exist"
                + (path.hasPrefix("/") ? "" : " (\"\(path)\" is relative to the current folder)") + advice
        case .notAFolder(let path): "dataset path \(path) is a file, expected a folder with one subfolder per class"
        case .unreadableFolder(let path, let reason): "cannot list folder \(path): \(reason)"
        case .noClassFolders(let path):
            "dataset folder \(path) has no class subfolders (expected one subfolder of images per class)"
        case .emptyClass(let name, let folder, let ignored):
            "class \"\(name)\" has no .png, .jpg or .jpeg images directly inside \(folder)"
                + (ignored.count == 1 ? " (its one other file, \(ignored[0]), is not read)" : "")
                + (ignored.count > 1 ? " (its \(ignored.count) other files, e.g. "
                    + "\(ignored.sorted().prefix(3).joined(separator: ", ")), are not read)" : "")
        case .noReadableImages(let name, let folder):
            "class \"\(name)\" has no usable images: every image in \(folder) is undecodable (see the skipped files)"
        case .classMismatch(let root, let missing, let unexpected, let reference):
            "the class folders in \(root) do not match \(reference) classes"
                + (missing.isEmpty ? "" : "; missing: \(missing.joined(separator: ", "))")
                + (unexpected.isEmpty ? "" : "; unexpected: \(unexpected.joined(separator: ", "))")
        case .invalidValidationFraction(let value):
            "validation_split must be between 0 and 1 (exclusive), got \(value)"
        case .invalidLoaderOption(let message): "data loader: \(message)"
        }
    }

    public var errorDescription: String? { description }
}
