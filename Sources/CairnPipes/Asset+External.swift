import Cairn

extension Asset where Output == Nothing {
    /// Defines an asset computed by an external process that speaks Pipes, such as a Python
    /// script using `dagster-pipes`: the process writes the asset's data itself and reports its
    /// materialization, checks and logs.
    ///
    /// ```swift
    /// let report = Asset.external("report", command: ["python3", "scripts/report.py"], from: people)
    /// ```
    ///
    /// - Parameters:
    ///   - key: the asset's key.
    ///   - command: the executable (looked up on `PATH`) and its arguments.
    ///   - extras: values the script reads with `pipes.get_extra(name)`.
    ///   - environment: variables added to the environment for the command.
    ///   - workingDirectory: where the command runs; the current directory when `nil`.
    ///   - messages: where the script writes its messages: a temporary file by default.
    ///   - bootstrap: how the script finds its context: environment variables by default.
    ///   - upstream: the assets that must be materialized first; the script reads their data itself.
    ///   - deps: more such assets, by key (a dbt model: `models.key(of: "customers")`).
    ///   - checks: the checks the script reports with `pipes.report_asset_check`.
    ///   - Other parameters: as for `Asset.init`.
    public static func external(
        _ key: AssetKey,
        command: [String],
        extras: [String: JSONValue] = [:],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        messages: PipesMessageChannel = .file,
        bootstrap: PipesBootstrap = .environment,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        checks: [AssetCheckSpec] = [],
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil,
        from upstream: any AssetReference...,
        deps: [AssetKey] = [],
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Asset<Nothing> {
        Asset(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            codeVersion: codeVersion, metadata: metadata, checks: checks, partitions: partitions,
            automationCondition: automationCondition, deps: upstream.map(\.key) + deps, retryPolicy: retryPolicy,
            timeout: timeout,
            pool: pool, file: file, line: line
        ) { context in
            try await context.pipes.run(
                command, extras: extras, environment: environment, workingDirectory: workingDirectory,
                messages: messages, bootstrap: bootstrap)
            return Nothing()
        }
    }

    /// Defines an asset computed by a command that does not speak Pipes, such as a shell script:
    /// its output is captured into the run's log, its exit status decides, and the
    /// materialization records the command, exit status and duration.
    ///
    /// ```swift
    /// let backup = Asset.command("backup", command: ["sh", "-c", "pg_dump shop > backup.sql"], from: orders)
    /// ```
    public static func command(
        _ key: AssetKey,
        command: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil,
        from upstream: any AssetReference...,
        deps: [AssetKey] = [],
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Asset<Nothing> {
        Asset(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            codeVersion: codeVersion, metadata: metadata, partitions: partitions,
            automationCondition: automationCondition, deps: upstream.map(\.key) + deps, retryPolicy: retryPolicy,
            timeout: timeout,
            pool: pool, file: file, line: line
        ) { context in
            try await context.runCommand(command, environment: environment, workingDirectory: workingDirectory)
            return Nothing()
        }
    }

    /// Defines an asset whose compute function runs external processes with `context.pipes` and
    /// stores nothing itself: the processes write its data.
    ///
    /// ```swift
    /// let people = Asset("people_over_50", kinds: ["spark"], checks: [AssetCheckSpec("no_minors")]) { context in
    ///     try await context.pipes.run(["spark-submit", "jobs/people.py"], extras: ["min_age": 50])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - upstream: the assets that must be materialized first; the processes read their data.
    ///   - Other parameters: as for `Asset.init`.
    public init(
        _ key: AssetKey,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        checks: [AssetCheckSpec] = [],
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil,
        from upstream: any AssetReference...,
        resources: [any ResourceKeyConvertible] = [],
        config: ConfigSchema? = nil,
        retryPolicy: RetryPolicy? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext) async throws -> PipesResult
    ) {
        self.init(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            codeVersion: codeVersion, metadata: metadata, checks: checks, partitions: partitions,
            automationCondition: automationCondition, deps: upstream.map(\.key), resources: resources,
            config: config, retryPolicy: retryPolicy, pool: pool, file: file, line: line
        ) { context in
            _ = try await compute(context)
            return Nothing()
        }
    }
}

extension MultiAsset {
    /// Defines several assets computed by one external process that speaks Pipes and reports
    /// each of them (`pipes.report_asset_materialization(asset_key="orders")`); an asset it does
    /// not report is materialized without metadata.
    ///
    /// ```swift
    /// let tables = MultiAsset.external(
    ///     "load_tables", specs: [AssetSpec("orders"), AssetSpec("customers")], command: ["python3", "load.py"])
    /// ```
    public static func external(
        _ name: String,
        specs: [AssetSpec],
        command: [String],
        extras: [String: JSONValue] = [:],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        messages: PipesMessageChannel = .file,
        bootstrap: PipesBootstrap = .environment,
        partitions: PartitionsDefinition? = nil,
        retryPolicy: RetryPolicy? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> MultiAsset {
        MultiAsset(
            name, specs: specs, partitions: partitions, retryPolicy: retryPolicy, pool: pool, file: file, line: line
        ) { context in
            try await context.pipes.run(
                command, extras: extras, environment: environment, workingDirectory: workingDirectory,
                messages: messages, bootstrap: bootstrap)
        }
    }
}
