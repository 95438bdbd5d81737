// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gpmsync",
    // Linux only: the daemon watches with inotify, reads /proc and spawns with glibc's posix_spawn
    // extensions. SwiftPM cannot declare Linux as a platform; the `#error` in Sources/Spawn says it at build time.
    products: [
        .executable(name: "gpmsync", targets: ["gpmsync"]),
        // Benchmarks ship apart from the product: they drive the gpmsync binary beside them as a process.
        .executable(name: "gpmsync-bench", targets: ["gpmsync-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
    ],
    targets: [
        // The C wall: libgit2 through pkg-config, plus a header shim for what Swift cannot call.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // The only importer of CLibGit2.
        .target(name: "Git", dependencies: ["CLibGit2"]),
        // Pure Swift: formats, validation, record merge, semantic diff. No libgit2, no network.
        .target(
            name: "GPMCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Spreadsheets as staff save them: Turkish-locale Excel CSV and .xlsx read (and written, for templates)
        // on ZIPFoundation and Foundation's XMLParser, converted to canonical tables. No git.
        .target(
            name: "GPMSpreadsheets",
            dependencies: ["GPMCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Composes the core with the git wrapper: repositories, sync, central intake, review.
        .target(
            name: "GPMSync",
            dependencies: [
                "Git", "GPMCore", "GPMSpreadsheets",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Starting a program with posix_spawn: no inherited descriptors, default signals, its own folder.
        .target(name: "CSpawn"),
        .target(name: "Spawn", dependencies: ["CSpawn"]),
        // What staff run: watcher, committer, syncer and status server as services under one ServiceGroup.
        .target(
            name: "GPMDaemon",
            dependencies: [
                "GPMSync", "GPMCore", "Spawn", "GPMPages", "GPMWeb",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Charts drawn as inline SVG strings: pure Swift, no dependency, golden-file tested.
        .target(name: "GPMCharts", dependencies: ["GPMCore"]),
        // The HTML of the console (and of the staff's page): escaping, the layout, every page, in Turkish and English.
        .target(
            name: "GPMPages",
            dependencies: [
                "GPMCore", "GPMCharts",
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        // `gpmsync serve`: the reviewers' console, a Hummingbird application over the central repository.
        .target(
            name: "GPMWeb",
            dependencies: [
                "GPMSync", "GPMCore", "GPMPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Servers on loopback for tests, benchmarks and the demo: `git daemon` per user, any server on a
        // confirmed port. Not product code: nothing a municipality or GPM runs in production uses it.
        .target(name: "LoopbackServers", dependencies: ["Spawn"]),
        // `gpmsync demo`: the story told on loopback servers.
        .target(name: "GPMDemo", dependencies: ["GPMSync", "GPMCore", "Git", "LoopbackServers"]),
        // Generated data shaped like the real thing: the Marmara-scale tree and the series model. Core only.
        .target(name: "GPMSampleData", dependencies: ["GPMCore"]),
        // The benchmarks against the git CLI and frictionless-py, run by the separate `gpmsync-bench`.
        .target(name: "GPMBench", dependencies: ["GPMSync", "GPMCore", "Git", "GPMSampleData", "LoopbackServers"]),
        .executableTarget(
            name: "gpmsync-bench",
            dependencies: ["GPMBench", "GPMSampleData", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `gpmsync export`: central main's tables for DHIS2, HXL and a published data package, small counts protected.
        .target(
            name: "GPMExport",
            dependencies: [
                "GPMSync", "GPMCore", "Git",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The thin command line.
        .executableTarget(
            name: "gpmsync",
            dependencies: [
                "GPMSync", "GPMCore", "GPMDaemon", "GPMDemo", "GPMWeb", "GPMExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "GPMCoreTests", dependencies: ["GPMCore", "GPMSampleData", "CoreTestSupport"]),
        .testTarget(name: "GPMSyncTests", dependencies: ["GPMSync", "GPMCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        .testTarget(name: "GPMSpreadsheetsTests", dependencies: ["GPMSpreadsheets", "GPMCore", "TestSupport"]),
        .testTarget(
            name: "GPMWebTests",
            dependencies: [
                "GPMWeb", "GPMPages", "GPMCharts", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "ExportTests", dependencies: ["GPMExport", "GPMCore", "TestSupport"], exclude: ["Tools"]),
        // What every test uses without git: temporary folders, running a program, the test corpus.
        .target(name: "CoreTestSupport", dependencies: ["GPMCore"], path: "Tests/CoreTestSupport"),
        // The end-to-end kit: fixtures with a central repository, servers on loopback, faults.
        .target(name: "TestSupport", dependencies: ["CoreTestSupport", "GPMSync", "LoopbackServers", "Spawn"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
