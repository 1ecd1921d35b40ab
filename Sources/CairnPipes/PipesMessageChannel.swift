/// Where an external process writes its Pipes messages.
public enum PipesMessageChannel: Sendable, Hashable {
    /// A temporary file, appended to line by line: the default, and Dagster's. Output on stdout
    /// and stderr is captured as it is.
    case file
    /// The process's stdout, mixed with its output: lines that are Pipes messages are messages,
    /// the others output.
    case stdout
    /// The process's stderr, mixed with its output.
    case stderr
}

/// How the bootstrap values reach the external process.
public enum PipesBootstrap: Sendable, Hashable {
    /// The environment variables `DAGSTER_PIPES_CONTEXT` and `DAGSTER_PIPES_MESSAGES`, which
    /// `open_dagster_pipes()` reads by default.
    case environment
    /// The environment variables, and the arguments `--dagster-pipes-context <value>
    /// --dagster-pipes-messages <value>` after the command, for launchers such as
    /// `spark-submit` in cluster mode whose scripts read them with `PipesCliArgsParamsLoader`.
    case arguments
}
