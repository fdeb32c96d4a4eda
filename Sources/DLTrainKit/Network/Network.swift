import Engine

/// A chain of layers ending in logits, trained with softmax cross-entropy, living on one engine.
///
/// The network owns the input, label and logit-gradient tensors: per step only the image batch and its labels
/// go up, and the loss and correct count come down.
public final class Network {
    /// The engine every tensor of this network lives on.
    public let engine: ComputeEngine
    /// The layers, input to logits.
    public let layers: [Layer]
    /// The shape of one input sample.
    public let inputShape: Shape
    /// The number of classes (logits per sample).
    public let classes: Int
    /// When set, each layer's forward and backward pass is synchronised and timed (compare-devices).
    public var profiler: LayerProfiler?

    /// The logits of the latest training forward pass (`computeGradients`), still on the engine.
    public private(set) var lastLogits: Tensor?

    private(set) var batch = 0
    /// The first layer with parameters, where the backward pass ends.
    private let firstTrainableLayer: Int
    private var input: Tensor?
    private var labels: Tensor?
    private var gradLogits: Tensor?

    /// Wraps `layers` (already built on `engine`). No gradient flows below the first layer with parameters
    /// (`NetworkPlan.firstTrainableIndex`): that layer computes no input gradient, and the layers before it are
    /// left out of the backward pass.
    public init(layers: [Layer], inputShape: Shape, engine: ComputeEngine) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        self.layers = layers
        self.inputShape = inputShape
        self.engine = engine
        classes = layers[layers.count - 1].outputShape.count
        firstTrainableLayer = layers.firstIndex { !$0.parameters.isEmpty } ?? 0
        for layer in layers[...firstTrainableLayer] { layer.computesInputGradient = false }
    }

    /// Every trainable parameter, in layer order.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Every tensor a checkpoint holds for the model: parameters, then running statistics.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        parameters.map { ($0.name, $0.value) } + layers.flatMap(\.state)
    }

    /// Allocates batch buffers for `batch` samples (reallocating only when it changes).
    public func prepare(batch: Int) throws {
        guard batch != self.batch else { return }
        self.batch = batch
        input = try engine.makeTensor(inputShape.batched(batch), label: "input batch")
        labels = try engine.makeTensor(Shape(batch), label: "labels")
        gradLogits = try engine.makeTensor(Shape(batch, classes), label: "logits gradient")
        for layer in layers { try layer.prepare(batch: batch) }
    }

    /// Sets the dropout seed of every dropout layer for one training step.
    public func seedDropout(runSeed: UInt64, step: Int) {
        for (index, layer) in layers.enumerated() {
            guard let dropout = layer as? Dropout else { continue }
            dropout.seed = runSeed &* 0x9E37_79B9 &+ UInt64(step) &* 0x1_0000_0001 &+ UInt64(index)
        }
    }

    /// Uploads `images` (`batch` samples, NCHW) and runs the forward pass; returns the logits `[batch, classes]`.
    public func forward(images: [Float], batch: Int, training: Bool) throws -> Tensor {
        try prepare(batch: batch)
        guard let input else { preconditionFailure("prepare(batch:) allocates the input") }
        precondition(images.count == input.count, "\(images.count) floats for an input batch of \(input.shape)")
        try images.withUnsafeBufferPointer { try engine.upload($0, to: input) }
        return try forward(input, training: training)
    }

    /// Runs the forward pass on an input already on the engine.
    func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        var activations = input
        for (index, layer) in layers.enumerated() {
            let start = try profiler?.begin(engine)
            activations = try layer.forward(activations, training: training)
            if let start { try profiler?.end(engine, layer: index, pass: .forward, since: start) }
        }
        return activations
    }

    /// One forward and backward pass on a labelled batch: fills every parameter gradient and returns the loss.
    public func computeGradients(images: [Float], labels hostLabels: [Float], batch: Int) throws -> LossResult {
        let result = try trainingForward(images: images, labels: hostLabels, batch: batch)
        try backwardFromLoss()
        return result
    }

    /// The first half of `computeGradients`: the training forward pass, the loss and the logits' gradient, which
    /// `backwardFromLoss` propagates.
    func trainingForward(images: [Float], labels hostLabels: [Float], batch: Int) throws -> LossResult {
        let logits = try forward(images: images, batch: batch, training: true)
        lastLogits = logits
        guard let labels, let gradLogits else { preconditionFailure("prepare(batch:) allocates the labels") }
        try hostLabels.withUnsafeBufferPointer { try engine.upload($0, to: labels) }
        let result = try engine.softmaxCrossEntropy(logits: logits, labels: labels, batch: batch, classes: classes,
                                                    gradLogits: gradLogits)
        // A non-finite loss leaves every weight as it was, for the trainer to diagnose: no layer applies an update.
        if !result.loss.isFinite { for parameter in parameters { parameter.update = .optimizer } }
        return result
    }

    /// The second half of `computeGradients`: the backward pass from the latest `trainingForward`'s loss.
    func backwardFromLoss() throws {
        guard let gradLogits else { preconditionFailure("backward before a training forward pass") }
        try backward(gradLogits)
    }

    /// Propagates `gradLogits` back down to the first layer with parameters.
    private func backward(_ gradLogits: Tensor) throws {
        var gradient = gradLogits
        for index in (firstTrainableLayer..<layers.count).reversed() {
            let start = try profiler?.begin(engine)
            gradient = try layers[index].backward(gradient)
            if let start { try profiler?.end(engine, layer: index, pass: .backward, since: start) }
        }
    }

    /// The logits of a batch in evaluation mode, downloaded: `batch × classes` floats.
    public func predict(images: [Float], batch: Int) throws -> [Float] {
        try engine.download(try forward(images: images, batch: batch, training: false))
    }
}
