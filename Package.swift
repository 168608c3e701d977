// swift-tools-version:6.0
// Keel: crypto perpetual-futures trading services. Layout and layering: DESIGN.md.
import PackageDescription

let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// Release builds of the indicators target x86-64 CPUs with AVX2 and FMA (Intel Haswell, AMD
/// Zen and later: every x86 server of the last decade), so that an average's step is one fused
/// multiply-add (`smoothingStep`). Debug builds compute the same fused values through libm.
#if arch(x86_64)
let indicatorSettings = swiftSettings + [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
#else
let indicatorSettings = swiftSettings
#endif

/// System-library target for a C library from Debian, found through pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Shared/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

/// A service executable: wiring only, everything else lives in Shared/.
func service(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: "keel-\(name)",
        dependencies: ["Runtime"] + dependencies,
        path: "Services/\(name)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "Keel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "keel", targets: ["keel"]),
        .executable(name: "keel-marketdata", targets: ["keel-marketdata"]),
        .executable(name: "keel-signals", targets: ["keel-signals"]),
        .executable(name: "keel-risk", targets: ["keel-risk"]),
        .executable(name: "keel-execution", targets: ["keel-execution"]),
        .executable(name: "keel-notifier", targets: ["keel-notifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        systemLibrary("CRdKafka", pkgConfig: "rdkafka", apt: "librdkafka-dev"),
        systemLibrary("CHiredis", pkgConfig: "hiredis", apt: "libhiredis-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CLibPQ", pkgConfig: "libpq", apt: "libpq-dev"),

        .target(
            name: "Core",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Core",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Config",
            dependencies: ["Core", "Yams"],
            path: "Shared/Config",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Schemas",
            dependencies: ["Core", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Shared/Schemas",
            exclude: ["proto", "generate.sh"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Bus",
            dependencies: [
                "Core", "Config", "CRdKafka", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/Bus",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                "Core", "Config", "CLibPQ",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Store",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Locks",
            dependencies: ["Core", "Config", "CHiredis", .product(name: "Logging", package: "swift-log")],
            path: "Shared/Locks",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Exchange",
            dependencies: [
                "Core", "Config", "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/Exchange",
            exclude: ["Simulator"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ExchangeSimulator",
            dependencies: [
                "Core", "Exchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Exchange/Simulator",
            swiftSettings: swiftSettings
        ),
        .target(name: "Risk", dependencies: ["Core", "Config"], path: "Shared/Risk", swiftSettings: swiftSettings),
        .target(name: "OrderManagement", dependencies: ["Core", "Config"], path: "Shared/OrderManagement", swiftSettings: swiftSettings),
        .target(
            name: "Execution",
            dependencies: [
                "Core", "Config", "Exchange", "OrderManagement", "Risk", "Store", "Bus", "Schemas", "Locks",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Execution", swiftSettings: swiftSettings),
        .target(name: "Ledger", dependencies: ["Core", "Config", "Store", "Risk"], path: "Shared/Ledger", swiftSettings: swiftSettings),
        .target(
            name: "RiskDesk",
            dependencies: ["Core", "Config", "Risk", "Ledger", "Schemas", "Bus", "Store", "Exchange", .product(name: "Logging", package: "swift-log")],
            path: "Shared/RiskDesk", swiftSettings: swiftSettings),
        .target(
            name: "MarketData",
            dependencies: [
                "Core", "Store", "Exchange", "Bus", "Schemas", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/MarketData",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Signals",
            dependencies: [
                "Core", "Config", "Strategy", "MarketData", "Bus", "Schemas", .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/Signals",
            swiftSettings: swiftSettings),
        .target(
            name: "Notifier",
            dependencies: [
                "Core", "Config", "Store", "Bus", "Schemas", "Exchange", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Notifier", swiftSettings: swiftSettings),
        .target(name: "Indicators", dependencies: ["Core"], path: "Shared/Indicators", swiftSettings: indicatorSettings),
        .target(
            name: "Strategy", dependencies: ["Core", "Config", "Indicators"], path: "Shared/Strategy", swiftSettings: swiftSettings),
        .target(
            name: "Backtest",
            dependencies: ["Core", "Config", "Indicators", "ExchangeSimulator", "MarketData", "Store", "Strategy", "Risk", "OrderManagement"],
            path: "Shared/Backtest", swiftSettings: swiftSettings),
        .target(
            name: "Runtime",
            dependencies: [
                "Core", "Config", "Schemas", "Bus", "Store", "Locks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/Runtime",
            swiftSettings: swiftSettings
        ),

        .target(
            name: "LocalStack",
            dependencies: [
                "Core", "Config", "Bus", "Store", "Locks", "Runtime", "ExchangeSimulator", "Execution", "Strategy",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/LocalStack", swiftSettings: swiftSettings),

        service("marketdata", ["Exchange", "MarketData"]),
        service("signals", ["Bus", "Exchange", "MarketData", "Signals", "Strategy"]),
        service("risk", ["Config", "Core", "Bus", "Schemas", "Exchange", "Risk", "Ledger", "RiskDesk"]),
        service("execution", ["Bus", "Exchange", "Execution", "Locks"]),
        service("notifier", ["Bus", "Exchange", "Notifier", "Schemas"]),

        .executableTarget(
            name: "keel",
            dependencies: [
                "Core", "Config", "Schemas", "Bus", "Store", "Runtime", "ExchangeSimulator", "Notifier", "LocalStack",
                "Indicators", "Risk", "Backtest", "OrderManagement", "Strategy", "MarketData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/keel",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], swiftSettings: swiftSettings),
        .testTarget(name: "SchemasTests", dependencies: ["Schemas"], swiftSettings: swiftSettings),
        .testTarget(name: "RiskTests", dependencies: ["Risk", "Core", "Config"], swiftSettings: swiftSettings),
        .testTarget(name: "OrderManagementTests", dependencies: ["OrderManagement", "Core"], swiftSettings: swiftSettings),
        .testTarget(name: "NotifierTests", dependencies: ["Notifier", "Core", "Schemas"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExecutionTests", dependencies: ["Execution", "Risk", "Exchange", "ExchangeSimulator", "Core"],
            swiftSettings: swiftSettings),
        .testTarget(name: "MarketDataTests", dependencies: ["MarketData", "Core"], swiftSettings: swiftSettings),
        .testTarget(name: "IndicatorsTests", dependencies: ["Indicators"], swiftSettings: swiftSettings),
        .testTarget(name: "StrategyTests", dependencies: ["Strategy", "Indicators", "Config", "Core"], swiftSettings: swiftSettings),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Core", "ExchangeSimulator", "Indicators"], swiftSettings: swiftSettings),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Config", "Core", "Schemas"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExchangeTests",
            dependencies: [
                "Exchange", "ExchangeSimulator", "Core", "Config", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "Config", "Schemas", "Bus", "Store", "Locks", "Runtime", "MarketData", "Exchange",
                "ExchangeSimulator", "Risk", "Ledger", "RiskDesk", "Signals", "Strategy", "Notifier",
                "Execution", "LocalStack", "Backtest", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
