/// One layer of a network with its shapes and costs worked out, before any data is read.
public struct LayerPlan: Sendable, Equatable {
    /// The layer's position in `"network"`.
    public var index: Int
    /// The layer's resolved name (`conv1`).
    public var name: String
    public var config: LayerConfig
    /// The shape of one sample coming in: [C, H, W] for images, [features] for flat data.
    public var inputShape: [Int]
    /// The shape of one sample going out.
    public var outputShape: [Int]
    /// Trainable values (weights, biases, batch-norm scale and shift; not running statistics).
    public var parameterCount: Int
    /// Floating-point operations of a forward pass for one sample: 2 per multiply-add in conv and dense layers
    /// (bias and fused activation not counted), 1 per window element in pooling, 2 per value in batch norm,
    /// 1 per value in activation and dropout layers, 0 in flatten.
    public var forwardFLOPs: Int

    /// `"32×28×28"` for an image shape, `"1024"` for a flat one.
    public static func describe(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }
}
