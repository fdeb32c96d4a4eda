/// One entry of the config's `"network"`: a named layer.
public struct LayerConfig: Sendable, Equatable {
    /// The layer's name, unique in the network; it prefixes the layer's checkpoint tensors (`conv1.weight`).
    /// Given by `"name"`, or by default the type's name stem and a per-stem counter (`conv1`, `pool2`, `bn1`).
    public var name: String
    /// What the layer computes.
    public var kind: LayerKind

    /// Creates a named layer config.
    public init(name: String, kind: LayerKind) {
        self.name = name
        self.kind = kind
    }
}
