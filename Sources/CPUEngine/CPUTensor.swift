import Engine
import Glibc

/// A float32 tensor in host memory, 64-byte aligned (large ones in huge pages, see `HugePages`), owned by a
/// `CPUEngine`.
public final class CPUTensor: Tensor {
    /// The tensor's dimensions.
    public let shape: Shape
    /// The name given at allocation, used in error messages.
    public let label: String
    /// The first of `shape.count` floats; valid for the tensor's lifetime.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `shape.count` uninitialised floats, or throws `EngineError.outOfMemory`.
    init(shape: Shape, label: String, device: String) throws {
        let bytes = max(shape.count, 1) * MemoryLayout<Float>.stride
        var raw: UnsafeMutableRawPointer?
        let huge = bytes >= HugePages.thresholdBytes
        guard posix_memalign(&raw, huge ? HugePages.pageBytes : 64, bytes) == 0, let raw else {
            throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: device)
        }
        // Before the first touch, so that the pages are huge from the start; a kernel without them ignores it.
        if huge { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        self.shape = shape
        self.label = label
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(shape.count, 1))
    }

    deinit {
        free(pointer)
    }

    /// The tensor's floats, for loop bodies running on several threads.
    var data: SendablePointer<Float> { SendablePointer(pointer) }

    /// The tensor's floats as a buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: shape.count)
    }
}
