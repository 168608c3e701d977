/// The repairs a loader may make to bad data. None by default: any issue refuses the data.
public struct BarRepairs: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Leave out lines that are not valid bars.
    public static let dropBadRows = BarRepairs(rawValue: 1 << 0)
    /// Put rows that are out of time order in order.
    public static let sort = BarRepairs(rawValue: 1 << 1)
    /// Keep the first bar (by line) of each open time, drop the others.
    public static let dropDuplicates = BarRepairs(rawValue: 1 << 2)
    /// Fill each missing bar with a flat bar at the previous close (open = high = low = close)
    /// and zero volume.
    public static let fillGaps = BarRepairs(rawValue: 1 << 3)

    public static let all: BarRepairs = [.dropBadRows, .sort, .dropDuplicates, .fillGaps]

    /// The option's name, e.g. `fillGaps` (for messages that say which option repairs what).
    public var description: String {
        let names: [(BarRepairs, String)] = [
            (.dropBadRows, "dropBadRows"), (.sort, "sort"), (.dropDuplicates, "dropDuplicates"), (.fillGaps, "fillGaps"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: ", ")
    }
}
