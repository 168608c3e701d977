import Core

// Core's exact decimals travel as decimal text, which `numeric` columns store without loss;
// reading back parses the text exactly (a `numeric` prints at its stored scale).

extension FixedPoint: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { description }
    public init?(postgresText: String) { try? self.init(parsing: postgresText) }
}

extension Price: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { value.description }
    public init?(postgresText: String) { try? self.init(parsing: postgresText) }
}

extension Quantity: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { value.description }
    public init?(postgresText: String) { try? self.init(parsing: postgresText) }
}

extension Money: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { value.description }
    public init?(postgresText: String) { try? self.init(parsing: postgresText) }
}
