/// An input batch with labels, identical on every engine: seeded random images, or given ones.
struct SyntheticBatch {
    let images: [Float]
    let labels: [Float]

    init(inputShape: [Int], classes: Int, batch: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed &+ 0xC0FFEE)
        let count = batch * inputShape.reduce(1, *)
        images = (0..<count).map { _ in random.nextUnit() * 2 - 1 }
        labels = (0..<batch).map { Float($0 % classes) }
    }

    /// A batch of given images (NCHW) and labels.
    init(images: [Float], labels: [Float]) {
        self.images = images
        self.labels = labels
    }
}
