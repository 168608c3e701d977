import Core

/// How a walk-forward cuts the data: in-sample windows to optimise on, each followed by the
/// out-of-sample window its best parameters are tested on. Rolling windows keep their length;
/// anchored ones all start at the first bar. Out-of-sample windows follow each other without
/// overlap, so their equity stitches into one curve.
public struct WalkForwardPlan: Sendable, Hashable {
    public let inSampleBars: Int
    public let outOfSampleBars: Int
    public let anchored: Bool
    /// Bars before each out-of-sample window fed to the strategy before it may trade.
    public let warmUpBars: Int

    public init(inSampleBars: Int, outOfSampleBars: Int, anchored: Bool, warmUpBars: Int) throws {
        guard inSampleBars > 0, outOfSampleBars > 0, warmUpBars >= 0 else {
            throw BacktestConfigurationError(field: "walkforward", reason: "in-sample and out-of-sample windows need at least one bar each")
        }
        self.inSampleBars = inSampleBars
        self.outOfSampleBars = outOfSampleBars
        self.anchored = anchored
        self.warmUpBars = warmUpBars
    }

    /// One window as positions on the time axis.
    public struct Window: Sendable, Hashable {
        public let number: Int
        public let inSample: Range<Int>
        public let outOfSample: Range<Int>
    }

    /// The windows over a time axis of `bars` bars; throws when not even one fits.
    public func windows(bars: Int) throws -> [Window] {
        var windows: [Window] = []
        var start = 0
        while start + inSampleBars + outOfSampleBars <= bars {
            let inSampleEnd = start + inSampleBars
            windows.append(Window(
                number: windows.count + 1, inSample: (anchored ? 0 : start)..<inSampleEnd,
                outOfSample: inSampleEnd..<(inSampleEnd + outOfSampleBars)))
            start += outOfSampleBars
        }
        guard !windows.isEmpty else {
            throw BacktestConfigurationError(
                field: "walkforward", reason: "\(bars) bars hold no window of \(inSampleBars) in-sample + \(outOfSampleBars) out-of-sample bars")
        }
        return windows
    }
}
