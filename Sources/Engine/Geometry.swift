/// The geometry of a 2-D convolution over a batch, shared by `im2col` and `col2im`.
///
/// The column matrix is row-major `[channels·kernelHeight·kernelWidth, batch·outputHeight·outputWidth]`:
/// row `(c·kernelHeight + ky)·kernelWidth + kx`, column `(n·outputHeight + oy)·outputWidth + ox`.
public struct ConvolutionGeometry: Hashable, Sendable {
    public var batch: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingHeight: Int
    public var paddingWidth: Int

    /// Creates a geometry; square kernels, strides and paddings are the common case.
    public init(batch: Int, channels: Int, height: Int, width: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
                paddingHeight: Int = 0, paddingWidth: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
    }

    /// `(height + 2·padding − kernel) / stride + 1`.
    public var outputHeight: Int { (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    /// `(width + 2·padding − kernel) / stride + 1`.
    public var outputWidth: Int { (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }
    /// Rows of the column matrix: `channels·kernelHeight·kernelWidth`.
    public var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: `batch·outputHeight·outputWidth`.
    public var columnCount: Int { batch * outputHeight * outputWidth }
}

/// The geometry of a 2-D pooling window over `batch·channels` independent planes.
public struct PoolingGeometry: Hashable, Sendable {
    public var batch: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    public var size: Int
    public var stride: Int
    public var padding: Int

    /// Creates a pooling geometry with a square window.
    public init(batch: Int, channels: Int, height: Int, width: Int, size: Int, stride: Int, padding: Int = 0) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.size = size
        self.stride = stride
        self.padding = padding
    }

    /// `(height + 2·padding − size) / stride + 1` (floor, as PyTorch's default).
    public var outputHeight: Int { (height + 2 * padding - size) / stride + 1 }
    /// `(width + 2·padding − size) / stride + 1` (floor, as PyTorch's default).
    public var outputWidth: Int { (width + 2 * padding - size) / stride + 1 }
    /// Independent planes: `batch·channels`.
    public var planes: Int { batch * channels }
}

/// An elementwise nonlinearity.
public enum Activation: Hashable, Sendable, CustomStringConvertible {
    /// `max(0, x)`.
    case relu
    /// `x` for `x > 0`, else `slope·x`.
    case leakyReLU(slope: Float)
    /// `1 / (1 + e^−x)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh

    public var description: String {
        switch self {
        case .relu: return "relu"
        case let .leakyReLU(slope): return "leaky_relu(\(slope))"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        }
    }
}

/// What `softmaxCrossEntropy` returns to the host: the only per-step scalars that leave the device.
public struct LossResult: Hashable, Sendable {
    /// Mean cross-entropy over the batch.
    public var loss: Float
    /// Samples whose largest logit is at their label.
    public var correct: Int

    public init(loss: Float, correct: Int) {
        self.loss = loss
        self.correct = correct
    }
}

/// Host↔device copies an engine has made; tests use it to prove no hidden per-layer round trips.
public struct TransferStatistics: Hashable, Sendable {
    public var uploads = 0
    public var downloads = 0
    public var bytesUploaded = 0
    public var bytesDownloaded = 0

    public init() {}
}
