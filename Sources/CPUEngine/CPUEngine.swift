import COpenBLAS
import Engine
import Foundation

/// The host engine: OpenBLAS `cblas_sgemm` for matrix products, multi-threaded Swift loops for everything else.
///
/// Every op runs synchronously on the calling thread (fanning out to `threads` workers), so `synchronize` has
/// nothing to wait for.
public final class CPUEngine: ComputeEngine {
    /// The number of threads OpenBLAS and the elementwise loops use.
    public let threads: Int
    /// Host↔"device" copies so far: uploads and downloads are memcpys here, counted all the same.
    public private(set) var transfers = TransferStatistics()

    let loop: ParallelLoop
    /// Scratch for products that rearrange an operand first (`gemm`'s small-batch path).
    let gemmScratch = ScratchBuffer()

    /// Whether large GEMMs use OpenBLAS's own thread pool (`DLTRAIN_BLAS_THREADS=openblas`) rather than being
    /// split over the engine's threads, each running single-threaded OpenBLAS (the default: only one set of
    /// threads ever runs, so OpenBLAS's spinning workers never compete with the engine's loops for cores).
    let useOpenBLASThreads: Bool

    /// Whether stride-1 3×3 and 5×5 convolutions with at least 16 channels and filters use Winograd minimal
    /// filtering (the default) rather than im2col + GEMM.
    public let winogradEnabled: Bool

    /// The most bytes of transformed inputs a Winograd layer's forward pass keeps for its backward pass (beyond
    /// it, the backward pass transforms the inputs again).
    public let winogradCacheBytes: Int

    /// Creates an engine using `threads` threads (default: every active processor) and sets OpenBLAS's count.
    /// `winograd` defaults to on unless the environment sets `DLTRAIN_WINOGRAD=0`; `winogradCacheBytes` to 256 MiB.
    public init(threads: Int? = nil, winograd: Bool? = nil, winogradCacheBytes: Int = 256 << 20) {
        let count = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let environment = ProcessInfo.processInfo.environment
        self.threads = count
        self.loop = ParallelLoop(pool: WorkerPool(threads: count))
        winogradEnabled = winograd ?? (environment["DLTRAIN_WINOGRAD"] != "0")
        self.winogradCacheBytes = max(0, winogradCacheBytes)
        useOpenBLASThreads = environment["DLTRAIN_BLAS_THREADS"] == "openblas"
        openblas_set_num_threads(Int32(useOpenBLASThreads ? count : 1))
    }

    deinit {
        loop.pool.stop()
    }

    /// `"cpu (OpenBLAS SkylakeX, 2 threads)"`.
    public var name: String {
        "cpu (OpenBLAS \(OpenBLASCore.coreName), \(threads) thread\(threads == 1 ? "" : "s"))"
    }

    public func makeTensor(_ shape: Shape, label: String) throws -> Tensor {
        try CPUTensor(shape: shape, label: label, device: "cpu")
    }

    public func upload(_ values: UnsafeBufferPointer<Float>, to tensor: Tensor) throws {
        let destination = try cpu(tensor)
        guard values.count == destination.count else {
            throw EngineError.invalidArgument(
                "upload to \(destination.label): \(values.count) values for a tensor of \(destination.count)")
        }
        if let base = values.baseAddress {
            destination.pointer.update(from: base, count: values.count)
        }
        transfers.uploads += 1
        transfers.bytesUploaded += values.count * MemoryLayout<Float>.stride
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        let source = try cpu(tensor)
        transfers.downloads += 1
        transfers.bytesDownloaded += source.count * MemoryLayout<Float>.stride
        return Array(UnsafeBufferPointer(source.buffer))
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        let data = try cpu(tensor).data
        loop.forEach(tensor.count, itemCost: 1) { range in
            (data.base + range.lowerBound).update(repeating: value, count: range.count)
        }
    }

    public func copy(_ source: Tensor, to destination: Tensor) throws {
        let (from, to) = (try cpu(source).data, try cpu(destination).data)
        try requireSameCount(source, destination, op: "copy")
        loop.forEach(source.count, itemCost: 2) { range in
            (to.base + range.lowerBound).update(from: from.base + range.lowerBound, count: range.count)
        }
    }

    public func synchronize() throws {}

    /// The engine's own tensor behind `tensor`, or `invalidArgument` for a tensor from another engine.
    func cpu(_ tensor: Tensor) throws -> CPUTensor {
        guard let tensor = tensor as? CPUTensor else {
            throw EngineError.invalidArgument("\(type(of: tensor)) passed to the CPU engine, which needs CPUTensor")
        }
        return tensor
    }

    /// Throws unless every tensor holds at least `count` floats.
    func requireCount(_ count: Int, _ tensors: Tensor..., op: String) throws {
        for tensor in tensors where tensor.count < count {
            throw EngineError.invalidArgument("\(op): a tensor of shape \(tensor.shape) needs \(count) elements")
        }
    }

    /// Throws unless `a` and `b` hold the same number of floats.
    func requireSameCount(_ a: Tensor, _ b: Tensor, op: String) throws {
        guard a.count == b.count else {
            throw EngineError.invalidArgument("\(op): element counts differ (\(a.shape) vs \(b.shape))")
        }
    }
}
