import CPUEngine
import Engine

/// One convolution layer's forward and backward pass through a CPU engine on random data, next to the naive
/// gradients of the same data: what the engine's convolution tests check, whichever path the engine takes.
struct ConvolutionPass {
    /// The engine's dW, db (nil when the pass asked for none) and dX (nil when it asked for none).
    let gradWeight: [Float]
    let gradBias: [Float]?
    let gradInput: [Float]?
    /// The naive dW, db and dX from the engine's own forward output.
    let expectedWeight: [Float]
    let expectedBias: [Float]
    let expectedInput: [Float]

    init(_ engine: CPUEngine, _ g: ConvolutionGeometry, filters: Int, activation: Activation?, bias: Bool = true,
         inputGradient: Bool = true, _ random: inout TestRandom) throws {
        let spatial = g.outputHeight * g.outputWidth
        let input = random.floats(g.batch * g.channels * g.height * g.width)
        let weights = random.floats(filters * g.columnRows)
        let gradOutput = random.floats(g.batch * filters * spatial)
        let (inputTensor, weightTensor) = (try engine.tensor(input, Shape(input.count)),
                                           try engine.tensor(weights, Shape(weights.count)))
        let output = try engine.poisoned(Shape(g.batch, filters, g.outputHeight, g.outputWidth))
        let workspace = try engine.convolutionWorkspace(geometry: g, filters: filters).map { try engine.poisoned($0) }
        try engine.convolutionForward(inputTensor, weight: weightTensor, bias: nil, activation: activation,
                                      geometry: g, filters: filters, workspace: workspace, into: output)
        let forward = try engine.download(output)
        let weightGradient = try engine.poisoned(Shape(weights.count))
        let biasGradient = bias ? try engine.poisoned(Shape(filters)) : nil
        let inputGradient = inputGradient ? try engine.poisoned(Shape(input.count)) : nil
        try engine.convolutionBackward(
            try engine.tensor(gradOutput, Shape(gradOutput.count)), input: inputTensor, output: output,
            weight: weightTensor, activation: activation, geometry: g, filters: filters, workspace: workspace,
            gradWeight: weightGradient, gradBias: biasGradient, gradInput: inputGradient)
        gradWeight = try engine.download(weightGradient)
        gradBias = try biasGradient.map { try engine.download($0) }
        gradInput = try inputGradient.map { try engine.download($0) }

        let dz = activation.map {
            NaiveReference.activationBackward($0, output: forward, gradOutput: gradOutput)
        } ?? gradOutput
        let expected = NaiveReference.convolutionGradients(dz, input: input, weights: weights, filters: filters,
                                                            geometry: g)
        (expectedWeight, expectedInput) = (expected.weight, expected.input)
        expectedBias = NaiveReference.biasGradient(dz, batch: g.batch, channels: filters, spatial: spatial)
    }
}
