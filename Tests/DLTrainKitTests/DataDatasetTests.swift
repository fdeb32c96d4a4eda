import Foundation
import ImageIO
import XCTest
@testable import DLTrainKit

final class DataDatasetTests: XCTestCase {
    func testClassesAreSortedAndHiddenOrForeignFilesIgnored() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages(["1.PNG", "0.jpg", "2.jpeg"], to: "b_dog", in: root)
        try DataFolderFixture.addImages(["z.png"], to: "a_cat", in: root)
        try DataFolderFixture.addImages(["h.png"], to: ".hidden", in: root)
        try DataFolderFixture.addFiles(["notes.txt", ".DS_Store", ".secret.png"], to: "b_dog", in: root)
        try DataFolderFixture.addFiles(["README.md"], to: nil, in: root)

        let dataset = try ImageFolderDataset(root: root)
        XCTAssertEqual(dataset.classNames, ["a_cat", "b_dog"])
        XCTAssertEqual(dataset.samples.map(\.url.lastPathComponent), ["z.png", "0.jpg", "1.PNG", "2.jpeg"])
        XCTAssertEqual(dataset.samples.map(\.label), [0, 1, 1, 1])
        XCTAssertEqual(dataset.classCounts, [1, 3])
    }

    func testAClassOfOtherFormatsSaysWhatWasNotRead() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages(["0.png"], to: "cat", in: root)
        try DataFolderFixture.addFiles(["3.bmp", "1.bmp", "2.gif", "0.bmp"], to: "dog", in: root)
        XCTAssertThrowsError(try ImageFolderDataset(root: root)) { error in
            XCTAssertTrue("\(error)".hasSuffix("(its 4 other files, e.g. 0.bmp, 1.bmp, 2.gif, are not read)"),
                          "\(error)")
        }
    }

    func testEmptyClassIsNamed() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages(["0.png"], to: "cat", in: root)
        try DataFolderFixture.addFiles(["labels.csv"], to: "dog", in: root)
        XCTAssertThrowsError(try ImageFolderDataset(root: root)) { error in
            guard case .emptyClass(let name, _, _) = error as? DatasetError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "dog")
            XCTAssertTrue("\(error)".hasSuffix("(its one other file, labels.csv, is not read)"), "\(error)")
        }
    }

    func testMissingFolderAndFolderWithoutClasses() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-dltrain-data")
        XCTAssertThrowsError(try ImageFolderDataset(root: missing)) { error in
            XCTAssertEqual(error as? DatasetError, .missingFolder(missing.path))
        }
        // A folder a config names: the key, and for a relative path where it was looked for.
        XCTAssertThrowsError(try ImageFolderDataset(configured: "nonexistent-dltrain-data/train", key: "data.train",
                                                    advice: "; or else")) { error in
            let resolved = URL(fileURLWithPath: "nonexistent-dltrain-data/train").path
            XCTAssertEqual("\(error)", "data.train: dataset folder \(resolved) does not exist "
                           + "(\"nonexistent-dltrain-data/train\" is relative to the current folder); or else")
        }
        XCTAssertThrowsError(try ImageFolderDataset(configured: missing.path, key: "--data")) { error in
            XCTAssertEqual("\(error)", "--data: dataset folder \(missing.path) does not exist")
        }
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addFiles(["a.png"], to: nil, in: root)
        XCTAssertThrowsError(try ImageFolderDataset(root: root)) { error in
            XCTAssertEqual(error as? DatasetError, .noClassFolders(root.path))
        }
    }

    func testGivenClassNamesKeepTheirOrderAndMustMatch() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages(["0.png"], to: "cat", in: root)
        try DataFolderFixture.addImages(["0.png", "1.png"], to: "dog", in: root)
        let dataset = try ImageFolderDataset(root: root, classNames: ["dog", "cat"])
        XCTAssertEqual(dataset.samples.map(\.label), [0, 0, 1])
        XCTAssertThrowsError(try ImageFolderDataset(root: root, classNames: ["cat", "bird"])) { error in
            XCTAssertEqual(error as? DatasetError,
                           .classMismatch(root: root.path, missing: ["bird"], unexpected: ["dog"]))
        }
    }

    func testSplitIsStratifiedDisjointAndSeeded() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages((0..<10).map { "\($0).png" }, to: "a", in: root)
        try DataFolderFixture.addImages((0..<20).map { "\($0).png" }, to: "b", in: root)
        try DataFolderFixture.addImages(["only.png"], to: "c", in: root)
        let dataset = try ImageFolderDataset(root: root)
        let (training, validation) = try dataset.split(validationFraction: 0.2, seed: 3)
        XCTAssertEqual(validation.classCounts, [2, 4, 0])
        XCTAssertEqual(training.classCounts, [8, 16, 1])
        let all = Set(dataset.samples.map(\.url))
        XCTAssertEqual(Set(training.samples.map(\.url)).union(validation.samples.map(\.url)), all)
        XCTAssertEqual(try dataset.split(validationFraction: 0.2, seed: 3).validation.samples, validation.samples)
        XCTAssertNotEqual(try dataset.split(validationFraction: 0.2, seed: 4).validation.samples, validation.samples)
        XCTAssertThrowsError(try dataset.split(validationFraction: 1, seed: 3))
    }
}

/// Builds throwaway dataset folders of small generated PNGs.
enum DataFolderFixture {
    /// A fresh empty folder, removed when the tests exit.
    static func makeRoot() throws -> URL {
        let root = TemporaryFolders.path("dltrain-data")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// Writes `image` (default: a 2×2 gray PNG) under each name in `names` inside `root/folder`.
    static func addImages(_ names: [String], to folder: String, in root: URL,
                          image: Image = Image(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3])) throws {
        let data = try ImageEncoder.png(image)
        try write(names.map { ($0, data) }, to: folder, in: root)
    }

    /// Writes small text files (not images) under each name.
    static func addFiles(_ names: [String], to folder: String?, in root: URL) throws {
        try write(names.map { ($0, Data("text".utf8)) }, to: folder, in: root)
    }

    /// Writes named contents into `root/folder` (or `root`), creating the folder.
    static func write(_ files: [(String, Data)], to folder: String?, in root: URL) throws {
        let directory = folder.map { root.appendingPathComponent($0, isDirectory: true) } ?? root
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
    }
}
