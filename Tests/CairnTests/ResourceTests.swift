import Foundation
import Logging
import Synchronization
import Testing

@testable import Cairn

/// Records what resources do, in order.
private actor CallLog {
    private(set) var entries: [String] = []
    func record(_ entry: String) { entries.append(entry) }
}

private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a `Tracked` resource's setUp returns.
private struct Handle: Sendable, Equatable {
    var label: String
    var upstream: [String]
}

/// A resource that records its set-up and teardown, reads its dependencies and can fail.
private struct Tracked: Resource {
    var label: String
    var log: CallLog
    var needs: [String] = []
    var failsSetUp = false
    var failsTearDown = false
    var cancellableTearDown = false

    var dependencies: [AnyResourceKey] { needs.map { ResourceKey<Tracked>($0).erased } }

    func setUp(_ context: ResourceContext) async throws -> Handle {
        var upstream: [String] = []
        for name in needs { upstream.append(try context.instance(ResourceKey<Tracked>(name)).label) }
        await log.record("setUp \(label)")
        if failsSetUp { throw Failure("cannot connect to \(label)") }
        return Handle(label: label, upstream: upstream)
    }

    func tearDown(_ handle: Handle) async throws {
        if cancellableTearDown { try Task.checkCancellation() }
        await log.record("tearDown \(handle.label)")
        if failsTearDown { throw Failure("cannot disconnect from \(handle.label)") }
    }
}

/// A resource reading environment variables; its instance is a connection string.
private struct Database: Resource {
    var host = EnvVar("DB_HOST")
    var port = EnvVar("DB_PORT", default: "5432")
    var password = EnvVar("DB_PASSWORD", secret: true)

    func setUp(_ context: ResourceContext) async throws -> String {
        let port = try context.value(of: port, as: Int.self)
        return "postgres://\(try context.value(of: host)):\(port)?password=\(try context.value(of: password))"
    }
}

/// A resource that is its own instance.
private struct Settings: Resource {
    var region = "eu-central-1"
}

/// A resource that declares its dependency by storing its key.
private struct Client: Resource {
    var settings: ResourceKey<Settings> = "settings"
    var optional: ResourceKey<Tracked>? = nil

    func setUp(_ context: ResourceContext) async throws -> String {
        "client in \(try context.instance(settings).region)"
    }
}

/// A resource that holds a secret with a default value.
private struct APIClient: Resource {
    var baseURL = "https://api.example.com"
    var apiKey = EnvVar("API_KEY", default: "hunter2-dev-key", secret: true)
}

/// A resource that depends on another and uses one it did not declare.
private struct Sneaky: Resource {
    func setUp(_ context: ResourceContext) async throws -> Int {
        _ = try context.instance(ResourceKey<Settings>("settings"))
        return 1
    }
}

private final class Holder: @unchecked Sendable {
    let token = EnvVar("HOLDER_TOKEN")
    var me: Holder?
}

private enum Credentials: Sendable {
    case none
    case token(EnvVar)
}

/// A resource with environment variables nested in every shape reflection must see through.
private struct Nested: Resource, @unchecked Sendable {
    struct Inner { var user = EnvVar("INNER_USER") }
    var inner = Inner()
    var optional: EnvVar? = EnvVar("OPTIONAL_VAR", default: "x")
    var absent: EnvVar? = nil
    var list = [EnvVar("LIST_A"), EnvVar("LIST_B")]
    var byName = ["k": EnvVar("DICT_VAR")]
    var pair = (EnvVar("TUPLE_VAR"), 1)
    var credentials = Credentials.token(EnvVar("ENUM_VAR"))
    var holder: Holder = {
        let holder = Holder()
        holder.me = holder
        return holder
    }()
    var again = EnvVar("LIST_A")
}

/// Captures log messages.
private final class LogCapture: Sendable {
    private let messages = Mutex<[String]>([])
    var all: [String] { messages.withLock { $0 } }
    func add(_ message: String) { messages.withLock { $0.append(message) } }
    var logger: Logger { Logger(label: "test") { _ in Handler(capture: self) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            capture.add(([event.level.rawValue, "\(event.message)"] + fields).joined(separator: " "))
        }
    }
}

private let location = SourceLocation(file: "Pipelines/Assets.swift", line: 10)

@Suite struct ResourceTests {
    private let log = CallLog()

    // MARK: Lifecycle

    @Test func resourcesAreSetUpOnceDependenciesFirstAndTornDownInReverse() async throws {
        let a = ResourceKey<Tracked>("a")
        let b = ResourceKey<Tracked>("b")
        let c = ResourceKey<Tracked>("c")
        let set = ResourceSet([
            a.bind(Tracked(label: "a", log: log, needs: ["b", "c"])),
            b.bind(Tracked(label: "b", log: log, needs: ["c"])),
            c.bind(Tracked(label: "c", log: log)),
        ])
        let scope = try await ResourceScope.open(set, keys: [a.erased, b.erased], environment: [:])
        #expect(await log.entries == ["setUp c", "setUp b", "setUp a"])
        #expect(scope.keys.map(\.name) == ["c", "b", "a"])
        #expect(try scope.instance(a) == Handle(label: "a", upstream: ["b", "c"]))
        #expect(try scope.instance(b).upstream == ["c"])
        let errors = await scope.close()
        #expect(errors.isEmpty)
        #expect(await log.entries == ["setUp c", "setUp b", "setUp a", "tearDown a", "tearDown b", "tearDown c"])
    }

    @Test func onlyTheNeededResourcesAreSetUp() async throws {
        let a = ResourceKey<Tracked>("a")
        let set = ResourceSet([
            ResourceKey<Tracked>("unused").bind(Tracked(label: "unused", log: log, failsSetUp: true)),
            a.bind(Tracked(label: "a", log: log)),
        ])
        let scope = try await ResourceScope.open(set, keys: [a.erased], environment: [:])
        await scope.close()
        #expect(await log.entries == ["setUp a", "tearDown a"])
    }

    @Test func resourcesAreTornDownInReverseWhenTheRunFails() async throws {
        let a = ResourceKey<Tracked>("a")
        let b = ResourceKey<Tracked>("b")
        let set = ResourceSet([
            a.bind(Tracked(label: "a", log: log, needs: ["b"])), b.bind(Tracked(label: "b", log: log)),
        ])
        await #expect(throws: Failure.self) {
            try await ResourceScope.withResources(set, keys: [a.erased], environment: [:]) { scope in
                #expect(try scope.instance(a).label == "a")
                throw Failure("the step failed")
            }
        }
        #expect(await log.entries == ["setUp b", "setUp a", "tearDown a", "tearDown b"])

        let value = try await ResourceScope.withResources(set, keys: [a.erased], environment: [:]) { scope in
            try scope.instance(a).upstream
        }
        #expect(value == ["b"])
        #expect(await log.entries.suffix(2) == ["tearDown a", "tearDown b"])
    }

    @Test func everyResourceIsTornDownAndTeardownErrorsAreReportedAndLogged() async throws {
        let capture = LogCapture()
        let keys = ["a", "b", "c"].map { ResourceKey<Tracked>($0) }
        let set = ResourceSet([
            keys[0].bind(Tracked(label: "a", log: log, failsTearDown: true)),
            keys[1].bind(Tracked(label: "b", log: log)),
            keys[2].bind(Tracked(label: "c", log: log, failsTearDown: true)),
        ])
        let scope = try await ResourceScope.open(
            set, keys: keys.map(\.erased), environment: [:], logger: capture.logger)
        let errors = await scope.close()
        #expect(await log.entries.suffix(3) == ["tearDown c", "tearDown b", "tearDown a"])
        #expect(errors.count == 2)
        guard case .tearDownFailed(let first, let underlying) = errors.first else {
            Issue.record("expected tearDownFailed, got \(errors)")
            return
        }
        #expect(first.name == "c")
        #expect("\(underlying)" == "cannot disconnect from c")
        #expect(errors[1].description.contains("Tearing down resource 'a' (Tracked) failed: cannot disconnect from a"))
        #expect(capture.all.filter { $0.hasPrefix("error") }.count == 2)
        #expect(capture.all.contains { $0.contains("resource=c") && $0.contains("cannot disconnect from c") })

        #expect(await scope.close().isEmpty)
        #expect(await log.entries.count == 6)
    }

    @Test func aFailedSetUpTearsDownTheResourcesAlreadySetUp() async throws {
        let keys = ["a", "b", "c"].map { ResourceKey<Tracked>($0) }
        let set = ResourceSet([
            keys[0].bind(Tracked(label: "a", log: log)),
            keys[1].bind(Tracked(label: "b", log: log, failsSetUp: true)),
            keys[2].bind(Tracked(label: "c", log: log)),
        ])
        let error = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: keys.map(\.erased), environment: [:])
        }
        guard case .setUpFailed(let key, let underlying) = error else {
            Issue.record("expected setUpFailed, got \(String(describing: error))")
            return
        }
        #expect(key == keys[1].erased)
        #expect(underlying is Failure)
        #expect(
            error?.description
                == "Setting up resource 'b' (Tracked) failed: cannot connect to b. The resources set up before it "
                + "were torn down; fix the resource's configuration or setUp.")
        #expect(await log.entries == ["setUp a", "setUp b", "tearDown a"])
    }

    @Test func closeTearsDownEvenFromACancelledTask() async throws {
        let a = ResourceKey<Tracked>("a")
        let set = ResourceSet([a.bind(Tracked(label: "a", log: log, cancellableTearDown: true))])
        let scope = try await ResourceScope.open(set, keys: [a.erased], environment: [:])
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return await scope.close()
        }
        task.cancel()
        #expect(await task.value.isEmpty)
        #expect(await log.entries == ["setUp a", "tearDown a"])
    }

    @Test func aResourceWithoutSetUpIsItsOwnInstance() async throws {
        let settings = ResourceKey<Settings>("settings")
        let scope = try await ResourceScope.open(
            [settings.bind(Settings(region: "us-east-1"))], keys: [settings.erased])
        #expect(try scope.instance(settings).region == "us-east-1")
        await scope.close()
    }

    @Test func storedKeysAreDependencies() async throws {
        let client = ResourceKey<Client>("client")
        let settings = ResourceKey<Settings>("settings")
        #expect(Client().dependencies == [settings.erased])
        #expect(Client(optional: "tracked").dependencies.map(\.name) == ["settings", "tracked"])
        #expect(Settings().dependencies.isEmpty)
        let set = ResourceSet([client.bind(Client()), settings.bind(Settings(region: "ap-south-1"))])
        let scope = try await ResourceScope.open(set, keys: [client.erased], environment: [:])
        #expect(scope.keys == [settings.erased, client.erased])
        #expect(try scope.instance(client) == "client in ap-south-1")
        await scope.close()
        #expect(set.problems(for: []).isEmpty)
        let missing = ResourceSet([client.bind(Client(settings: "setings"))]).problems(for: [])
        #expect(missing.count == 1)
        #expect(missing.first?.message.contains("did you mean") == false)
        #expect(missing.first?.message.hasPrefix("resource 'client' requires resource 'setings'") == true)
    }

    // MARK: Environment variables

    @Test func missingEnvironmentVariablesAreAllReportedBeforeAnySetUp() async throws {
        let database = ResourceKey<Database>("database")
        let other = ResourceKey<Database>("other")
        let tracked = ResourceKey<Tracked>("tracked")
        let set = ResourceSet([
            tracked.bind(Tracked(label: "tracked", log: log)),
            database.bind(Database()),
            other.bind(Database(host: EnvVar("OTHER_HOST", default: "localhost"))),
        ])
        let keys = [tracked.erased, database.erased, other.erased]
        let error = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: keys, environment: ["DB_HOST": "db"])
        }
        guard case .missingEnvironmentVariables(let missing) = error else {
            Issue.record("expected missingEnvironmentVariables, got \(String(describing: error))")
            return
        }
        #expect(
            missing == [
                MissingEnvironmentVariable(name: "DB_PASSWORD", resource: database.erased),
                MissingEnvironmentVariable(name: "DB_PASSWORD", resource: other.erased),
            ])
        #expect(await log.entries.isEmpty)
        #expect(set.missingEnvironmentVariables(for: keys, in: ["DB_HOST": "db"]) == missing)

        let all = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: keys, environment: [:])
        }
        #expect(
            all?.description == """
                2 environment variables the run's resources need are not set:
                  DB_HOST, needed by resource 'database' (Database)
                  DB_PASSWORD, needed by resource 'database' (Database), 'other' (Database)
                Set them in the environment of the process (export DB_HOST=...) before starting the run, \
                or give the EnvVars defaults.
                """)
        #expect(await log.entries.isEmpty)
    }

    @Test func defaultsAreUsedWhenVariablesAreNotSet() async throws {
        let database = ResourceKey<Database>("database")
        let set = ResourceSet([database.bind(Database())])
        let environment = ["DB_HOST": "db.internal", "DB_PASSWORD": "s3cret"]
        let scope = try await ResourceScope.open(set, keys: [database.erased], environment: environment)
        #expect(try scope.instance(database) == "postgres://db.internal:5432?password=s3cret")
        let overridden = try await ResourceScope.open(
            set, keys: [database.erased], environment: environment.merging(["DB_PORT": "6543"]) { $1 })
        #expect(try overridden.instance(database) == "postgres://db.internal:6543?password=s3cret")

        #expect(try EnvVar("PORT", default: "5432").value(in: [:]) == "5432")
        #expect(try EnvVar("PORT", default: "5432").value(in: ["PORT": "1"]) == "1")
        #expect(try EnvVar("PORT").value(as: Int.self, in: ["PORT": "8080"]) == 8080)
        #expect(try EnvVar("PATH").value.isEmpty == false)
    }

    @Test func missingAndInvalidVariablesSayHowToFixThem() async throws {
        let error = #expect(throws: ResourceError.self) {
            try EnvVar("CAIRN_TEST_NEVER_SET_\(UUID().uuidString.prefix(8))").value
        }
        #expect(error?.description.contains("is not set, and a resource needs it. Set it in the environment") == true)

        let database = ResourceKey<Database>("database")
        let bad = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(
                [database.bind(Database())], keys: [database.erased],
                environment: ["DB_HOST": "h", "DB_PASSWORD": "p", "DB_PORT": "fifty"])
        }
        #expect(
            bad?.description.contains(
                "Environment variable DB_PORT ('fifty') is not a valid Int for resource 'database' (Database). "
                    + "Set it to a value of type Int.") == true)

        let secret = #expect(throws: ResourceError.self) {
            try EnvVar("TOKEN", secret: true).value(as: Int.self, in: ["TOKEN": "hunter2"])
        }
        #expect(secret?.description.contains("hunter2") == false)
        #expect(secret?.description.contains("TOKEN is not a valid Int") == true)

        let missing = #expect(throws: ResourceError.self) {
            try EnvVar("DB_HOST").value(in: [:], resource: database.erased)
        }
        #expect(
            missing?.description
                == "Environment variable DB_HOST is not set, and resource 'database' (Database) needs it. Set it in "
                + "the environment of the process (export DB_HOST=...), or give the EnvVar a default: "
                + "EnvVar(\"DB_HOST\", default: ...).")
    }

    @Test func reflectionFindsVariablesThroughEveryKindOfStoredProperty() {
        #expect(
            EnvVar.variables(in: Nested()).map(\.name) == [
                "INNER_USER", "OPTIONAL_VAR", "LIST_A", "LIST_B", "DICT_VAR", "TUPLE_VAR", "ENUM_VAR", "HOLDER_TOKEN",
            ])
        #expect(Nested().environmentVariables.count == 8)
        #expect(Database().environmentVariables.map(\.name) == ["DB_HOST", "DB_PORT", "DB_PASSWORD"])
        #expect(Settings().environmentVariables.isEmpty)
        #expect(ResourceKey<Database>("db").bind(Database()).environmentVariables.filter(\.isRequired).count == 2)
    }

    @Test func descriptionsNeverShowSecretsOrValues() throws {
        let client = APIClient()
        let secret = "hunter2-dev-key"
        #expect(client.apiKey.description == "EnvVar(API_KEY)")
        #expect(EnvVar("PORT", default: "5432").description == "EnvVar(PORT)")
        #expect(!"\(client)".contains(secret))
        #expect("\(client)".contains("EnvVar(API_KEY)"))
        #expect(!String(reflecting: client).contains(secret))
        var dumped = ""
        dump(client, to: &dumped)
        #expect(!dumped.contains(secret))
        #expect(dumped.contains("API_KEY"))
        let binding = ResourceKey<APIClient>("api").bind(client)
        #expect(!"\(binding)".contains(secret))
        #expect(binding.description == "'api' (APIClient)")

        let encoded = String(decoding: try JSONEncoder().encode(client.apiKey), as: UTF8.self)
        #expect(!encoded.contains(secret))
        let plain = try JSONDecoder().decode(
            EnvVar.self, from: JSONEncoder().encode(EnvVar("PORT", default: "5432")))
        #expect(plain == EnvVar("PORT", default: "5432"))
        #expect(try JSONDecoder().decode(EnvVar.self, from: Data(#"{"name":"X"}"#.utf8)) == EnvVar("X"))
    }

    // MARK: Environments

    @Test func cairnEnvSelectsTheEnvironmentsOverrides() async throws {
        let database = ResourceKey<Tracked>("database")
        let api = ResourceKey<Tracked>("api")
        let metrics = ResourceKey<Settings>("metrics")
        let set = ResourceSet(
            [database.bind(Tracked(label: "dev-db", log: log)), api.bind(Tracked(label: "api", log: log))],
            environments: [
                "prod": [database.bind(Tracked(label: "prod-db", log: log)), metrics.bind(Settings())],
                "staging": [database.bind(Tracked(label: "staging-db", log: log))],
            ])
        #expect(set.environmentNames == ["prod", "staging"])
        #expect(set.bindings.map(\.key.name) == ["database", "api"])

        let prod = try await ResourceScope.open(
            set, keys: [database.erased, api.erased, metrics.erased], environment: ["CAIRN_ENV": "prod"])
        #expect(prod.environmentName == "prod")
        #expect(try prod.instance(database).label == "prod-db")
        #expect(try prod.instance(api).label == "api")
        #expect(try prod.instance(metrics).region == "eu-central-1")
        await prod.close()

        let dev = try await ResourceScope.open(set, keys: [database.erased], environment: [:])
        #expect(dev.environmentName == nil)
        #expect(try dev.instance(database).label == "dev-db")
        await dev.close()

        let resolved = try set.resolved(environment: "staging")
        #expect(resolved.selectedEnvironment == "staging")
        #expect(resolved.bindings.map(\.key.name) == ["database", "api"])
        let explicit = try await ResourceScope.open(
            resolved, keys: [database.erased], environment: [ResourceSet.environmentVariable: "prod"])
        #expect(try explicit.instance(database).label == "staging-db")
        await explicit.close()

        #expect(try set.resolved(from: ["CAIRN_ENV": "prod"]).binding(named: "metrics") != nil)
        #expect(try set.resolved(from: ["CAIRN_ENV": ""]).selectedEnvironment == nil)
        #expect(try set.resolved(environment: nil).binding(named: "metrics") == nil)
        #expect(ResourceSet.environmentVariable == "CAIRN_ENV")
    }

    @Test func anUnknownEnvironmentIsAnErrorListingTheKnownOnes() async throws {
        let set = ResourceSet([], environments: ["prod": [], "staging": []])
        let error = #expect(throws: ResourceError.self) { try set.resolved(environment: "prd") }
        #expect(
            error?.description
                == "CAIRN_ENV selects the resource environment 'prd', but there is no such environment; did you "
                + "mean 'prod'? Known environments: prod, staging. Set CAIRN_ENV to one of them, or unset it to use "
                + "the default resources.")
        let unlike = #expect(throws: ResourceError.self) { try set.resolved(environment: "qa") }
        #expect(unlike?.description.contains("no such environment. Known environments: prod, staging.") == true)
        await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: [], environment: ["CAIRN_ENV": "qa"])
        }
        let none = #expect(throws: ResourceError.self) { try ResourceSet().resolved(environment: "prod") }
        #expect(none?.description.contains("the definitions define no resource environments") == true)
    }

    // MARK: Validation

    @Test func aValidSetHasNoProblems() {
        let database = ResourceKey<Tracked>("database")
        let set = ResourceSet(
            [
                database.bind(Tracked(label: "d", log: log, needs: ["pool"])),
                ResourceKey<Tracked>("pool").bind(Tracked(label: "p", log: log)),
            ],
            environments: ["prod": [database.bind(Tracked(label: "prod", log: log))]])
        #expect(set.problems(for: [.asset("orders", location: location, keys: [database.erased])]).isEmpty)
    }

    @Test func validationReportsUnboundAndMistypedRequirements() {
        let set = ResourceSet([
            ResourceKey<Tracked>("database").bind(
                Tracked(label: "d", log: log), file: "Pipelines/Resources.swift", line: 3)
        ])
        let problems = set.problems(for: [
            .asset(
                "orders", location: location,
                keys: [ResourceKey<Tracked>("databse").erased, ResourceKey<Tracked>("warehouse").erased]),
            ResourceRequirement(
                "sensor 'new_files'", location: SourceLocation(file: "Pipelines/Sensors.swift", line: 7),
                keys: [ResourceKey<Settings>("database").erased]),
        ])
        #expect(
            problems.map(\.description) == [
                "Pipelines/Assets.swift:10: asset 'orders' requires resource 'databse', which is not bound; "
                    + "did you mean 'database'? (bind a Tracked to it: ResourceKey<Tracked>(\"databse\").bind(...), "
                    + "in the definitions' resources)",
                "Pipelines/Assets.swift:10: asset 'orders' requires resource 'warehouse', which is not bound "
                    + "(bind a Tracked to it: ResourceKey<Tracked>(\"warehouse\").bind(...), in the definitions' "
                    + "resources)",
                "Pipelines/Sensors.swift:7: sensor 'new_files' requires resource 'database' as a Settings, but it is "
                    + "bound to a Tracked at Pipelines/Resources.swift:3 (bind a Settings to 'database', or require "
                    + "a ResourceKey<Tracked>)",
            ])
    }

    @Test func validationReportsUnboundDependenciesCyclesDuplicatesAndInvalidNames() {
        func bind(_ name: String, needs: [String] = [], line: Int) -> ResourceBinding {
            ResourceKey<Tracked>(name).bind(Tracked(label: name, log: log, needs: needs), file: "R.swift", line: line)
        }
        let set = ResourceSet([
            bind("api", needs: ["sesion"], line: 1),
            bind("session", line: 2),
            bind("a", needs: ["b"], line: 3),
            bind("b", needs: ["c"], line: 4),
            bind("c", needs: ["a"], line: 5),
            bind("self_ref", needs: ["self_ref"], line: 6),
            bind("session", line: 7),
            bind("my-db", line: 8),
        ])
        #expect(
            set.problems(for: []).map(\.description) == [
                "R.swift:7: resource 'session' is bound twice (first at R.swift:2); remove one of the bindings",
                "R.swift:8: resource name 'my-db' is invalid; use a letter or '_' followed by letters, digits and '_'",
                "R.swift:1: resource 'api' requires resource 'sesion', which is not bound; did you mean 'session'? "
                    + "(bind a Tracked to it: ResourceKey<Tracked>(\"sesion\").bind(...), in the definitions' "
                    + "resources)",
                "R.swift:3: resources depend on each other in a cycle: 'a' → 'b' → 'c' → 'a'; "
                    + "remove one of these dependencies",
                "R.swift:6: resources depend on each other in a cycle: 'self_ref' → 'self_ref'; "
                    + "remove one of these dependencies",
            ])
    }

    @Test func validationChecksEveryEnvironmentAndReportsInheritedProblemsOnce() {
        let database = ResourceKey<Tracked>("database")
        let set = ResourceSet(
            [
                database.bind(Tracked(label: "d", log: log), file: "R.swift", line: 1),
                ResourceKey<Tracked>("api").bind(
                    Tracked(label: "a", log: log, needs: ["token"]), file: "R.swift", line: 2),
            ],
            environments: [
                "prod": [
                    ResourceKey<Settings>("database").bind(Settings(), file: "R.swift", line: 10),
                    ResourceKey<Settings>("x").bind(Settings(), file: "R.swift", line: 11),
                    ResourceKey<Settings>("x").bind(Settings(), file: "R.swift", line: 12),
                ],
                "staging": [],
            ])
        #expect(
            set.problems(for: [.asset("orders", location: location, keys: [database.erased])]).map(\.description) == [
                "R.swift:2: resource 'api' requires resource 'token', which is not bound (bind a Tracked to it: "
                    + "ResourceKey<Tracked>(\"token\").bind(...), in the definitions' resources)",
                "R.swift:12: in resource environment 'prod': resource 'x' is bound twice (first at R.swift:11); "
                    + "remove one of the bindings",
                "Pipelines/Assets.swift:10: in resource environment 'prod': asset 'orders' requires resource "
                    + "'database' as a Tracked, but it is bound to a Settings at R.swift:10 (bind a Tracked to "
                    + "'database', or require a ResourceKey<Settings>)",
            ])
    }

    // MARK: Access

    @Test func typedAccessSaysWhatToDeclare() async throws {
        let a = ResourceKey<Tracked>("a")
        let b = ResourceKey<Tracked>("b")
        let set = ResourceSet([a.bind(Tracked(label: "a", log: log)), b.bind(Tracked(label: "b", log: log))])
        let scope = try await ResourceScope.open(set, keys: [a.erased], environment: [:])

        let notInScope = #expect(throws: ResourceError.self) { try scope.instance(b) }
        #expect(
            notInScope?.description
                == "Resource 'b' (Tracked) was not set up for this run (it has 'a'). The assets that use it must "
                + "declare it in their `resources:`, so that Cairn sets it up for the run.")
        #expect(throws: ResourceError.self) { try scope.instance(ResourceKey<Settings>("a")) }

        let resources = scope.resources(for: "asset 'orders'", declared: [])
        #expect(resources.user == "asset 'orders'")
        let undeclared = #expect(throws: ResourceError.self) { try resources.instance(a) }
        #expect(
            undeclared?.description
                == "Asset 'orders' uses resource 'a' (Tracked) without declaring it (it declares none). Add the key "
                + "to the `resources:` of asset 'orders', so that Cairn sets the resource up for its runs.")
        #expect(try scope.resources(for: "asset 'orders'", declared: [a.erased]).instance(a).label == "a")

        await scope.close()
        let closed = #expect(throws: ResourceError.self) { try scope.instance(a) }
        #expect(closed?.description.contains("was used after the run's resources were torn down") == true)
    }

    @Test func setUpCanOnlyReadDeclaredDependencies() async throws {
        let sneaky = ResourceKey<Sneaky>("sneaky")
        let settings = ResourceKey<Settings>("settings")
        let set = ResourceSet([sneaky.bind(Sneaky()), settings.bind(Settings())])
        let error = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: [settings.erased, sneaky.erased], environment: [:])
        }
        guard case .setUpFailed(let key, let underlying as ResourceError) = error else {
            Issue.record("expected setUpFailed, got \(String(describing: error))")
            return
        }
        #expect(key == sneaky.erased)
        #expect(
            underlying.description
                == "Resource 'sneaky' (Sneaky) uses resource 'settings' (Settings) in setUp without declaring it "
                + "(it declares none). Store the key in a property of Sneaky, or list it in its `dependencies`, so "
                + "that Cairn sets it up first.")
    }

    @Test func openRejectsUnboundMistypedAndCyclicResources() async throws {
        let a = ResourceKey<Tracked>("a")
        let set = ResourceSet([
            a.bind(Tracked(label: "a", log: log, needs: ["b"])),
            ResourceKey<Tracked>("b").bind(Tracked(label: "b", log: log, needs: ["a"])),
        ])
        let cycle = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: [a.erased], environment: [:])
        }
        #expect(cycle?.description.contains("'a' → 'b' → 'a'") == true)

        let unbound = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: [ResourceKey<Tracked>("zeta").erased], environment: [:])
        }
        #expect(
            unbound?.description
                == "The run needs resource 'zeta' (Tracked), but no resource is bound to 'zeta'. Bind one in the "
                + "definitions' resources: ResourceKey<Tracked>(\"zeta\").bind(...).")

        let mistyped = await #expect(throws: ResourceError.self) {
            try await ResourceScope.open(set, keys: [ResourceKey<Settings>("a").erased], environment: [:])
        }
        #expect(
            mistyped?.description
                == "The run needs resource 'a' as a Settings, but 'a' is bound to a Tracked. Bind a Settings to 'a', "
                + "or use a ResourceKey<Tracked>.")
        #expect(await log.entries.isEmpty)
    }

    @Test func keysCompareByNameAndType() {
        let literal: ResourceKey<Settings> = "settings"
        #expect(literal == ResourceKey<Settings>("settings"))
        #expect(literal.erased == ResourceKey<Settings>("settings").erased)
        #expect(literal.erased != ResourceKey<Tracked>("settings").erased)
        #expect(literal.description == "'settings' (Settings)")
        #expect(AnyResourceKey.isValidName("_db2"))
        #expect(!AnyResourceKey.isValidName("2db"))
        #expect(!AnyResourceKey.isValidName(""))
    }
}
