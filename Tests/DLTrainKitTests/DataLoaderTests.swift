import DLTrainKit
import Foundation
import ImageIO
import XCTest

final class DataLoaderTests: XCTestCase {
    private static let width = 6, height = 4

    /// Two classes of ten 6×4 gray images each; image `id` has pixel `(id·7 + x·3 + y·11) mod 256`.
    private func makeDataset() throws -> ImageFolderDataset {
        let root = try DataFolderFixture.makeRoot()
        for id in 0..<20 {
            let image = Image(width: Self.width, height: Self.height, channels: 1, pixels: Self.pixels(id: id))
            try DataFolderFixture.addImages([String(format: "%02d.png", id)], to: id < 10 ? "a" : "b", in: root,
                                            image: image)
        }
        return try ImageFolderDataset(root: root)
    }

    private static func pixels(id: Int) -> [UInt8] {
        (0..<height).flatMap { y in (0..<width).map { x in UInt8((id * 7 + x * 3 + y * 11) % 256) } }
    }

    private func options(workers: Int = 2, flip: Bool = false, padding: Int = 0) -> LoaderOptions {
        LoaderOptions(width: Self.width, height: Self.height, channels: 1, mean: [0.5], std: [0.25],
                      horizontalFlip: flip, randomCropPadding: padding, workerThreads: workers, prefetchBatches: 2)
    }

    private func collect(_ loader: BatchLoader, epoch: Int, training: Bool) throws -> [BatchLoader.Batch] {
        let batches = loader.batches(epoch: epoch, training: training)
        var result: [BatchLoader.Batch] = []
        while let batch = try batches.next() { result.append(batch) }
        return result
    }

    func testEvaluationKeepsOrderNormalisesAndYieldsThePartialBatch() throws {
        let loader = try BatchLoader(dataset: makeDataset(), batchSize: 8, options: options(), seed: 1)
        let batches = try collect(loader, epoch: 0, training: false)
        XCTAssertEqual(batches.map(\.count), [8, 8, 4])
        XCTAssertEqual(batches.flatMap(\.sampleIndices), Array(0..<20))
        XCTAssertEqual(batches.flatMap(\.labels), (0..<20).map { $0 < 10 ? 0 : 1 })
        let expected = (0..<20).flatMap { Self.pixels(id: $0).map { (Float($0) / 255 - 0.5) / 0.25 } }
        XCTAssertEqual(batches.flatMap(\.images), expected)
    }

    func testRGBIsPlanarWithPerChannelNormalisation() throws {
        let root = try DataFolderFixture.makeRoot()
        let image = Image(width: 2, height: 1, channels: 3, pixels: [255, 0, 51, 0, 255, 102])
        try DataFolderFixture.addImages(["x.png"], to: "only", in: root, image: image)
        let options = LoaderOptions(width: 2, height: 1, channels: 3, mean: [0.5, 0, 0.2], std: [0.5, 1, 0.1])
        let loader = try BatchLoader(dataset: ImageFolderDataset(root: root), batchSize: 4, options: options, seed: 0)
        let batch = try XCTUnwrap(loader.batches(epoch: 0, training: false).next())
        let values = [1, -1, 0, 1, 0, 2].map(Float.init)
        for (value, reference) in zip(batch.images, values) { XCTAssertEqual(value, reference, accuracy: 1e-5) }
    }

    func testTrainingOrderIsSeededAndIndependentOfWorkerCount() throws {
        let dataset = try makeDataset()
        let one = try BatchLoader(dataset: dataset, batchSize: 3, options: options(workers: 1, flip: true, padding: 1),
                                  seed: 9)
        let three = try BatchLoader(dataset: dataset, batchSize: 3,
                                    options: options(workers: 3, flip: true, padding: 1), seed: 9)
        let a = try collect(one, epoch: 2, training: true)
        let b = try collect(three, epoch: 2, training: true)
        XCTAssertEqual(a.flatMap(\.images), b.flatMap(\.images))
        XCTAssertEqual(a.flatMap(\.labels), b.flatMap(\.labels))
        XCTAssertEqual(a.flatMap(\.sampleIndices).sorted(), Array(0..<20))
        XCTAssertNotEqual(a.flatMap(\.sampleIndices), Array(0..<20))
        XCTAssertNotEqual(try collect(one, epoch: 3, training: true).flatMap(\.sampleIndices),
                          a.flatMap(\.sampleIndices))
        let otherSeed = try BatchLoader(dataset: dataset, batchSize: 3, options: options(), seed: 10)
        XCTAssertNotEqual(try collect(otherSeed, epoch: 2, training: true).flatMap(\.sampleIndices),
                          a.flatMap(\.sampleIndices))
    }

    func testAugmentationIsAFlipAndZeroFilledShiftOnlyInTraining() throws {
        let loader = try BatchLoader(dataset: makeDataset(), batchSize: 5,
                                     options: options(flip: true, padding: 2), seed: 4)
        let evaluation = try collect(loader, epoch: 0, training: false)
        XCTAssertEqual(evaluation.flatMap(\.images),
                       (0..<20).flatMap { Self.pixels(id: $0).map { (Float($0) / 255 - 0.5) / 0.25 } })
        var flips = 0, shifts = 0
        for batch in try collect(loader, epoch: 0, training: true) {
            for (position, sample) in batch.sampleIndices.enumerated() {
                let size = Self.width * Self.height
                let image = Array(batch.images[position * size..<(position + 1) * size])
                let match = Self.placements.first { Self.augmented(id: sample, $0) == image }
                let placement = try XCTUnwrap(match, "sample \(sample) is no flip/shift of its image")
                flips += placement.flip ? 1 : 0
                shifts += placement.dx != 0 || placement.dy != 0 ? 1 : 0
            }
        }
        XCTAssertGreaterThan(flips, 2)
        XCTAssertGreaterThan(shifts, 10)
    }

    private static let placements = [false, true].flatMap { flip in
        (-2...2).flatMap { dx in (-2...2).map { dy in (flip: flip, dx: dx, dy: dy) } }
    }

    /// The reference augmentation: mirror, then read from `(x + dx, y + dy)`, 0 outside the image.
    private static func augmented(id: Int, _ p: (flip: Bool, dx: Int, dy: Int)) -> [Float] {
        let source = pixels(id: id)
        return (0..<height).flatMap { y in
            (0..<width).map { x -> Float in
                let sx = (p.flip ? width - 1 - x : x) + p.dx, sy = y + p.dy
                guard sx >= 0, sx < width, sy >= 0, sy < height else { return 0 }
                return (Float(source[sy * width + sx]) / 255 - 0.5) / 0.25
            }
        }
    }

    func testSecondEpochIsServedFromTheCache() throws {
        let dataset = try makeDataset()
        let loader = try BatchLoader(dataset: dataset, batchSize: 8, options: options(), seed: 1)
        _ = try collect(loader, epoch: 0, training: true)
        XCTAssertEqual(loader.statistics, LoaderStatistics(cachedImages: 20, cacheHits: 0, decodedImages: 20))
        _ = try collect(loader, epoch: 1, training: true)
        XCTAssertEqual(loader.statistics, LoaderStatistics(cachedImages: 20, cacheHits: 20, decodedImages: 20))

        var small = options()
        small.cacheLimitBytes = 5 * Self.width * Self.height
        let limited = try BatchLoader(dataset: dataset, batchSize: 8, options: small, seed: 1)
        _ = try collect(limited, epoch: 0, training: false)
        _ = try collect(limited, epoch: 1, training: false)
        XCTAssertEqual(limited.statistics, LoaderStatistics(cachedImages: 5, cacheHits: 5, decodedImages: 35))
    }

    func testDecodeErrorNamesTheFile() throws {
        let root = try DataFolderFixture.makeRoot()
        try DataFolderFixture.addImages(["0.png", "1.png", "2.png"], to: "a", in: root)
        try DataFolderFixture.addFiles(["3.png"], to: "a", in: root)
        let loader = try BatchLoader(dataset: ImageFolderDataset(root: root), batchSize: 2,
                                     options: LoaderOptions(width: 2, height: 2, channels: 1), seed: 0)
        let epoch = loader.batches(epoch: 0, training: false)
        XCTAssertNotNil(try epoch.next())
        XCTAssertThrowsError(try epoch.next()) { error in
            XCTAssertEqual((error as? ImageError)?.file, root.appendingPathComponent("a/3.png").path)
            XCTAssertEqual((error as? ImageError)?.reason, .notAnImage)
        }
        XCTAssertNil(try epoch.next())
    }

    func testImagesAreResizedToTheInputSize() throws {
        let root = try DataFolderFixture.makeRoot()
        let big = Image(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8($0 * 10) })
        try DataFolderFixture.addImages(["big.png"], to: "a", in: root, image: big)
        let options = LoaderOptions(width: 2, height: 2, channels: 1)
        let loader = try BatchLoader(dataset: ImageFolderDataset(root: root), batchSize: 1, options: options, seed: 0)
        let batch = try XCTUnwrap(loader.batches(epoch: 0, training: false).next())
        XCTAssertEqual(batch.images.map { ($0 * 255).rounded() }, [25, 45, 105, 125])
    }

    func testAbandonedEpochDoesNotBlockTheNextOne() throws {
        let loader = try BatchLoader(dataset: makeDataset(), batchSize: 2, options: options(), seed: 1)
        XCTAssertNotNil(try loader.batches(epoch: 0, training: true).next())
        XCTAssertEqual(try collect(loader, epoch: 1, training: true).count, 10)
    }

    func testInvalidOptionsAreRefused() throws {
        let dataset = try makeDataset()
        var bad = options()
        bad.mean = [0.1, 0.2]
        XCTAssertThrowsError(try BatchLoader(dataset: dataset, batchSize: 4, options: bad, seed: 0)) { error in
            XCTAssertEqual(error as? DatasetError, .invalidLoaderOption("mean needs 1 or 1 values, got 2"))
        }
    }
}
