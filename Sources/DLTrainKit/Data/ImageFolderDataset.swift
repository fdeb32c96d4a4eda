import Foundation

/// An image classification dataset laid out as one subfolder of images per class.
///
/// Classes are the root's subfolders sorted by name (label = position); samples are the `.png`, `.jpg` and
/// `.jpeg` files (any letter case) directly inside each class folder, sorted by name. Names starting with `.`
/// are ignored, and so are files with other extensions.
public struct ImageFolderDataset: Sendable {
    /// One image file and its class label.
    public struct Sample: Sendable, Equatable {
        /// The image file.
        public let url: URL
        /// The class index into `classNames`.
        public let label: Int
    }

    /// File extensions taken as images, lowercased.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// The folder the dataset was read from.
    public let root: URL
    /// Class names in label order.
    public let classNames: [String]
    /// Every image with its label, class by class.
    public let samples: [Sample]

    /// Indexes `root`; with `classNames` (from a checkpoint or the training set) the folder must hold exactly
    /// those classes, which keep the given order.
    public init(root: URL, classNames expected: [String]? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw DatasetError.missingFolder(root.path)
        }
        guard isDirectory.boolValue else { throw DatasetError.notAFolder(root.path) }
        let folders = try Self.visibleEntries(of: root).filter { name in
            var isFolder: ObjCBool = false
            let path = root.appendingPathComponent(name, isDirectory: true).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
        }.sorted()
        guard !folders.isEmpty else { throw DatasetError.noClassFolders(root.path) }
        let names = expected ?? folders
        if let expected {
            let missing = expected.filter { !folders.contains($0) }
            let unexpected = folders.filter { !expected.contains($0) }
            guard missing.isEmpty && unexpected.isEmpty else {
                throw DatasetError.classMismatch(root: root.path, missing: missing, unexpected: unexpected)
            }
        }
        var samples: [Sample] = []
        for (label, name) in names.enumerated() {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            let entries = try Self.visibleEntries(of: folder)
            let files = entries.filter(Self.isImageName).sorted()
            guard !files.isEmpty else {
                throw DatasetError.emptyClass(name: name, folder: folder.path, ignored: entries)
            }
            samples += files.map { Sample(url: folder.appendingPathComponent($0, isDirectory: false), label: label) }
        }
        self.init(root: root, classNames: names, samples: samples)
    }

    /// A dataset from already indexed samples (used by `split`).
    init(root: URL, classNames: [String], samples: [Sample]) {
        self.root = root
        self.classNames = classNames
        self.samples = samples
    }

    /// The number of images.
    public var count: Int { samples.count }

    /// Images per class, in label order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for sample in samples { counts[sample.label] += 1 }
        return counts
    }

    private static func visibleEntries(of folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        } catch {
            throw DatasetError.unreadableFolder(folder.path, reason: error.localizedDescription)
        }
    }

    private static func isImageName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }
}
