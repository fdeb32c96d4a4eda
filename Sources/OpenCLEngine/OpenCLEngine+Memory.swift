import COpenCL
import Engine

extension OpenCLEngine {
    public func makeTensor(_ shape: Shape, label: String) throws -> Tensor {
        let bytes = max(shape.count, 1) * MemoryLayout<Float>.size
        guard bytes <= device.maxAllocationBytes else {
            throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: name)
        }
        var status: cl_int = 0
        let buffer = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status)
        if OpenCLStatus.isOutOfMemory(status) || status == CL_INVALID_BUFFER_SIZE {
            throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: name)
        }
        try OpenCLStatus.check(status, "clCreateBuffer(\(label))")
        guard let buffer else { throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: name) }
        return OpenCLTensor(shape: shape, label: label, buffer: buffer, context: context)
    }

    public func upload(_ values: UnsafeBufferPointer<Float>, to tensor: Tensor) throws {
        guard values.count == tensor.count else {
            throw EngineError.invalidArgument("upload: \(values.count) values for a tensor of \(tensor.shape)")
        }
        guard let base = values.baseAddress, !values.isEmpty else { return }
        let buffer = try memory(tensor, atLeast: values.count, "upload")
        let bytes = values.count * MemoryLayout<Float>.size
        let status = clEnqueueWriteBuffer(queue, buffer, cl_bool(CL_TRUE), 0, bytes, base, 0, nil, nil)
        try checkTransfer(status, tensor, bytes, "clEnqueueWriteBuffer")
        lock.withLock {
            transferCounts.uploads += 1
            transferCounts.bytesUploaded += bytes
        }
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        let buffer = try memory(tensor, atLeast: tensor.count, "download")
        return try read(buffer, count: tensor.count, tensor)
    }

    public func fill(_ tensor: Tensor, with value: Float) throws {
        try launch("fill", items: tensor.count,
                   [try buffer(tensor, atLeast: tensor.count, "fill"), try int(tensor.count, "fill count"),
                    .float(value)])
    }

    public func copy(_ source: Tensor, to destination: Tensor) throws {
        guard source.count == destination.count else {
            throw EngineError.invalidArgument("copy: \(source.shape) into \(destination.shape)")
        }
        guard source.count > 0 else { return }
        let from = try memory(source, atLeast: source.count, "copy source")
        let to = try memory(destination, atLeast: source.count, "copy destination")
        try OpenCLStatus.check(
            clEnqueueCopyBuffer(queue, from, to, 0, 0, source.count * MemoryLayout<Float>.size, 0, nil, nil),
            "clEnqueueCopyBuffer")
    }

    /// Reads the first `count` floats of `buffer` to the host, waiting for queued work; counts the download.
    func read(_ buffer: cl_mem, count: Int, _ tensor: Tensor) throws -> [Float] {
        var values = [Float](repeating: 0, count: count)
        guard count > 0 else { return values }
        let bytes = count * MemoryLayout<Float>.size
        let status = values.withUnsafeMutableBytes {
            clEnqueueReadBuffer(queue, buffer, cl_bool(CL_TRUE), 0, bytes, $0.baseAddress, 0, nil, nil)
        }
        try checkTransfer(status, tensor, bytes, "clEnqueueReadBuffer")
        lock.withLock {
            transferCounts.downloads += 1
            transferCounts.bytesDownloaded += bytes
        }
        return values
    }

    /// A lazily allocated buffer may first fail at its first copy: report that as out of memory.
    private func checkTransfer(_ status: cl_int, _ tensor: Tensor, _ bytes: Int, _ call: String) throws {
        if OpenCLStatus.isOutOfMemory(status) {
            let label = (tensor as? OpenCLTensor)?.label ?? "\(tensor.shape)"
            throw EngineError.outOfMemory(tensor: label, bytes: bytes, device: name)
        }
        try OpenCLStatus.check(status, "\(call)(\((tensor as? OpenCLTensor)?.label ?? "tensor"))")
    }
}
