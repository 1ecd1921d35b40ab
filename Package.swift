// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cairn", targets: ["Cairn"]),
        .library(name: "CairnSQLite", targets: ["CairnSQLite"]),
        .library(name: "CairnPostgres", targets: ["CairnPostgres"]),
        .library(name: "CairnPipes", targets: ["CairnPipes"]),
        .library(name: "CairnDbt", targets: ["CairnDbt"]),
        .library(name: "CairnDaemon", targets: ["CairnDaemon"]),
        .library(name: "CairnYAML", targets: ["CairnYAML"]),
        .library(name: "CairnWeb", targets: ["CairnWeb"]),
        .library(name: "CairnCLI", targets: ["CairnCLI"]),
        .library(name: "CairnTesting", targets: ["CairnTesting"]),
        .executable(name: "weather", targets: ["Weather"]),
        .executable(name: "customers", targets: ["Customers"]),
        .executable(name: "pageviews", targets: ["Pageviews"]),
        .executable(name: "spark", targets: ["Spark"]),
        .executable(name: "shop", targets: ["Shop"]),
        .executable(name: "cairn-benchmarks", targets: ["CairnBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/GraphQLSwift/Graphiti", from: "3.1.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.3.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "Cairn",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "CairnPipes", dependencies: ["Cairn", .product(name: "Logging", package: "swift-log")]),
        .target(name: "CairnDbt", dependencies: ["Cairn", "CairnPipes"]),
        .target(
            name: "CairnSQLite",
            dependencies: [
                "Cairn", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "CairnPostgres",
            dependencies: [
                "Cairn", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "CairnDaemon",
            dependencies: [
                "Cairn", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "CairnYAML", dependencies: ["Cairn", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "CairnWeb",
            dependencies: [
                "Cairn", "CairnYAML", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Graphiti", package: "Graphiti"), .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CairnCLI",
            dependencies: [
                "Cairn", "CairnSQLite", "CairnPostgres", "CairnPipes", "CairnDaemon", "CairnWeb", "CairnYAML",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "CairnTesting", dependencies: ["Cairn"]),
        .executableTarget(
            name: "Weather",
            dependencies: ["Cairn", "CairnCLI"],
            path: "Examples/Weather",
            resources: [.copy("data")]
        ),
        .executableTarget(
            name: "Customers",
            dependencies: ["Cairn", "CairnCLI", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Examples/Customers",
            exclude: ["drop-invalid-emails.yaml", "thresholds.yaml", "simulate-outages.yaml"]
        ),
        .executableTarget(name: "Pageviews", dependencies: ["Cairn", "CairnCLI"], path: "Examples/Pageviews"),
        .executableTarget(
            name: "Shop", dependencies: ["Cairn", "CairnCLI", "CairnDbt", "CairnPipes"], path: "Examples/Shop",
            exclude: ["dbt", "scripts"]
        ),
        .executableTarget(
            name: "Spark", dependencies: ["Cairn", "CairnCLI", "CairnPipes"], path: "Examples/Spark",
            exclude: ["jobs", "scripts"]
        ),
        .executableTarget(
            name: "CairnBenchmarks",
            dependencies: [
                "Cairn", "CairnSQLite", "CairnPostgres", "CairnDaemon", "CairnTesting", "CairnCLI", "CairnWeb",
                "CairnPipes", "CairnDbt",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CairnBenchmarks"
        ),
        .testTarget(name: "CairnTests", dependencies: ["Cairn", "CairnSQLite", "CairnTesting"]),
        .testTarget(
            name: "CairnSQLiteTests",
            dependencies: ["Cairn", "CairnSQLite", "CairnTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "CairnDaemonTests",
            dependencies: [
                "Cairn", "CairnDaemon", "CairnSQLite", "CairnTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CairnWebTests",
            dependencies: [
                "Cairn", "CairnWeb", "CairnSQLite", "CairnTesting", "Weather",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "CairnPostgresTests",
            dependencies: [
                "Cairn", "CairnPostgres", "CairnTesting", .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "CairnTestingTests", dependencies: ["Cairn", "CairnTesting"]),
        .testTarget(name: "CairnPipesTests", dependencies: ["Cairn", "CairnPipes", "CairnSQLite", "CairnTesting"]),
        .testTarget(name: "CairnDbtTests", dependencies: ["Cairn", "CairnDbt", "CairnPipes", "CairnTesting"]),
        .testTarget(name: "CairnYAMLTests", dependencies: ["Cairn", "CairnYAML"]),
        .testTarget(
            name: "CairnCLITests",
            dependencies: [
                "Weather", "Customers", "Pageviews", "Spark", "CairnCLI", "CairnSQLite", "CairnPostgres", "Cairn",
            ]),
        .testTarget(name: "WeatherTests", dependencies: ["Weather", "Cairn", "CairnTesting"]),
        .testTarget(name: "CustomersTests", dependencies: ["Customers", "Cairn", "CairnTesting"]),
    ]
)
