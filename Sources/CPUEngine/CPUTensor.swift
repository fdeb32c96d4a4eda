import Engine
import Glibc

/// A float32 tensor in host memory, 64-byte aligned, owned by a `CPUEngine`; from 4 MiB up in a mapping of its own
/// that asks for huge pages (`HugePages`).
public final class CPUTensor: Tensor {
    /// The tensor's dimensions.
    public let shape: Shape
    /// The name given at allocation, used in error messages.
    public let label: String
    /// The first of `shape.count` floats; valid for the tensor's lifetime.
    public let pointer: UnsafeMutablePointer<Float>
    /// The bytes of the tensor's own mapping (`HugePages.map`), nil when it comes from malloc.
    private let mappedBytes: Int?

    /// Allocates `shape.count` uninitialised floats, or throws `EngineError.outOfMemory`.
    init(shape: Shape, label: String, device: String) throws {
        let bytes = max(shape.count, 1) * MemoryLayout<Float>.stride
        mappedBytes = bytes >= HugePages.thresholdBytes ? bytes : nil
        var raw: UnsafeMutableRawPointer?
        if let mappedBytes {
            raw = HugePages.map(mappedBytes)
        } else if posix_memalign(&raw, 64, bytes) != 0 {
            raw = nil
        }
        guard let raw else { throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: device) }
        self.shape = shape
        self.label = label
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(shape.count, 1))
    }

    deinit {
        if let mappedBytes { HugePages.unmap(pointer, bytes: mappedBytes) } else { free(pointer) }
    }

    /// The tensor's floats, for loop bodies running on several threads.
    var data: SendablePointer<Float> { SendablePointer(pointer) }

    /// The tensor's floats as a buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: shape.count)
    }
}
