/// The best bid and ask with their sizes, as `md.book.v1` carries them.
public struct BookTop: Sendable, Hashable, Codable {
    public let bidPrice: Double
    public let bidSize: Double
    public let askPrice: Double
    public let askSize: Double

    public init(bidPrice: Double, bidSize: Double, askPrice: Double, askSize: Double) {
        self.bidPrice = bidPrice
        self.bidSize = bidSize
        self.askPrice = askPrice
        self.askSize = askSize
    }
}

/// One order-book imbalance reading.
public struct ImbalanceValue: Sendable, Hashable, Codable {
    /// (bid size − ask size) / (bid size + ask size) of this update, in −1...1 (0 on an empty book).
    public let imbalance: Double
    /// Its EMA over the last `smoothing` updates (TA-Lib-style seeding: the first value is the
    /// mean of the first `smoothing` imbalances); nil until then.
    public let smoothed: Double?
    /// The mid price, (bid + ask) / 2.
    public let mid: Double

    public init(imbalance: Double, smoothed: Double?, mid: Double) {
        self.imbalance = imbalance
        self.smoothed = smoothed
        self.mid = mid
    }
}

/// Order-book imbalance at the top of the book, per book update.
public struct OrderBookImbalance: Indicator {
    private var average: EMA
    public private(set) var value: ImbalanceValue?

    /// `smoothing` must be at least 1.
    public init(smoothing: Int = 20) {
        average = EMA(period: smoothing)
    }

    @discardableResult
    public mutating func update(_ top: BookTop) -> ImbalanceValue? {
        let depth = top.bidSize + top.askSize
        let imbalance = depth > 0 ? (top.bidSize - top.askSize) / depth : 0
        value = ImbalanceValue(imbalance: imbalance, smoothed: average.update(imbalance), mid: (top.bidPrice + top.askPrice) / 2)
        return value
    }
}
