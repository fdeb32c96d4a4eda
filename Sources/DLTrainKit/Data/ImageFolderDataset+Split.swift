extension ImageFolderDataset {
    /// Splits off a validation part, stratified: each class gives `validationFraction` of its images (rounded,
    /// always leaving it at least one training image), chosen by a shuffle seeded from `seed` and the class.
    public func split(validationFraction: Double, seed: UInt64)
        throws -> (training: ImageFolderDataset, validation: ImageFolderDataset) {
        guard validationFraction > 0 && validationFraction < 1 else {
            throw DatasetError.invalidValidationFraction(validationFraction)
        }
        var byClass = [[Int]](repeating: [], count: classNames.count)
        for (index, sample) in samples.enumerated() { byClass[sample.label].append(index) }
        var isValidation = [Bool](repeating: false, count: samples.count)
        for (label, var indices) in byClass.enumerated() {
            var random = DataRandom(seed, 0x5350_4C49_54, UInt64(label))
            random.shuffle(&indices)
            let wanted = Int((Double(indices.count) * validationFraction).rounded())
            for index in indices.prefix(min(wanted, indices.count - 1)) { isValidation[index] = true }
        }
        let training = samples.indices.filter { !isValidation[$0] }.map { samples[$0] }
        let validation = samples.indices.filter { isValidation[$0] }.map { samples[$0] }
        return (ImageFolderDataset(root: root, classNames: classNames, samples: training),
                ImageFolderDataset(root: root, classNames: classNames, samples: validation))
    }
}
