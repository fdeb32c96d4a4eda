/// Writing a fused activation.
extension ActivationConfig {
    /// `"activation"` (and `"activation_slope"` for a leaky ReLU) as config-file members.
    var fusedJSON: [JSONMember] {
        let activation = JSONMember("activation", .string(name))
        guard case .leakyReLU(let slope) = self else { return [activation] }
        return [activation, JSONMember("activation_slope", .float(slope))]
    }
}
