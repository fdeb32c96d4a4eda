/// A float32 buffer that lives on one engine, in row-major (NCHW for images) order.
///
/// Each engine defines its own concrete class; layers only pass tensors back to the engine that made them.
public protocol Tensor: AnyObject {
    /// The tensor's dimensions; its buffer holds `shape.count` floats.
    var shape: Shape { get }
}

extension Tensor {
    /// The number of floats the tensor holds.
    public var count: Int { shape.count }
}
