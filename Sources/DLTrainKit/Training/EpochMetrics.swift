import Foundation

/// One epoch's results, as written to `metrics.csv`, `metrics.jsonl` and checkpoint metadata.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var step: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var seconds: Double
    public var imagesPerSecond: Double
    /// Undecodable images left out this epoch, training and validation (`data.on_bad_image: "skip"`).
    public var skippedImages = 0
    /// Training batches left out for a NaN or infinite loss or gradient (`training.on_nonfinite: "skip"`).
    public var skippedBatches = 0

    enum CodingKeys: String, CodingKey {
        case epoch, step, seconds
        case learningRate = "learning_rate"
        case trainLoss = "train_loss"
        case trainAccuracy = "train_accuracy"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
        case imagesPerSecond = "images_per_second"
        case skippedImages = "skipped_images"
        case skippedBatches = "skipped_batches"
    }

    /// The epoch as one readable line, as the console and `train.log` show it: `epoch 3  train loss 0.4123 acc
    /// 85.20%  val loss 0.4410 acc 84.10%  4.2s  2380 img/s`, and any skipped images or batches.
    public var summary: String {
        var line = String(format: "epoch %d  train loss %.4f acc %.2f%%", epoch, trainLoss, trainAccuracy * 100)
        if let loss = validationLoss, let accuracy = validationAccuracy {
            line += String(format: "  val loss %.4f acc %.2f%%", loss, accuracy * 100)
        }
        line += String(format: "  %.1fs  %.0f img/s", seconds, imagesPerSecond)
        if skippedImages > 0 { line += "  skipped \(skippedImages) bad images" }
        if skippedBatches > 0 { line += "  skipped \(skippedBatches) non-finite batches" }
        return line
    }

    /// The CSV header matching `csvRow`.
    static let csvHeader = "epoch,step,learning_rate,train_loss,train_accuracy,validation_loss,"
        + "validation_accuracy,seconds,images_per_second,skipped_images,skipped_batches"

    /// One CSV line (empty cells where there is no validation set).
    var csvRow: String {
        func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return [String(epoch), String(step), cell(learningRate), cell(trainLoss), cell(trainAccuracy),
                cell(validationLoss), cell(validationAccuracy), cell(seconds), cell(imagesPerSecond),
                String(skippedImages), String(skippedBatches)]
            .joined(separator: ",")
    }
}
