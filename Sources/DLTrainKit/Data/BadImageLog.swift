import Foundation
import ImageIO

/// The images a loader could not decode and left out (`on_bad_image: "skip"`): each is decoded once, reported
/// once, and skipped without another attempt in later epochs.
final class BadImageLog: @unchecked Sendable {
    private let lock = NSLock()
    private let imagesPerClass: [Int]
    private var errors: [Int: ImageError] = [:]
    private var badPerClass: [Int: Int] = [:]
    private var unreported: [ImageError] = []

    /// A log for a dataset with `imagesPerClass[label]` images of each class.
    init(imagesPerClass: [Int]) {
        self.imagesPerClass = imagesPerClass
    }

    /// Whether `sample` is already known to be bad.
    func contains(_ sample: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return errors[sample] != nil
    }

    /// Records a bad sample; returns whether its class has no good image left.
    func record(_ error: ImageError, sample: Int, label: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard errors[sample] == nil else { return false }
        errors[sample] = error
        unreported.append(error)
        badPerClass[label, default: 0] += 1
        return badPerClass[label] == imagesPerClass[label]
    }

    /// The bad images found since the last call, in the order found.
    func takeUnreported() -> [ImageError] {
        lock.lock()
        defer { lock.unlock() }
        defer { unreported.removeAll() }
        return unreported
    }

    /// Bad images found so far.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return errors.count
    }
}
