import COpenCL
import Engine

/// A float32 tensor in an OpenCL buffer of one `OpenCLEngine`; the buffer is released with the tensor.
public final class OpenCLTensor: Tensor, @unchecked Sendable {
    public let shape: Shape
    /// The name out-of-memory and shape errors use.
    public let label: String
    let buffer: cl_mem
    /// The context the buffer belongs to: ops reject tensors of another engine.
    let context: cl_context

    init(shape: Shape, label: String, buffer: cl_mem, context: cl_context) {
        self.shape = shape
        self.label = label
        self.buffer = buffer
        self.context = context
    }

    deinit {
        clReleaseMemObject(buffer)
    }
}
