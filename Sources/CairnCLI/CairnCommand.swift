import ArgumentParser
import Foundation

/// The root command: the user's executable.
struct CairnCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: URL(fileURLWithPath: CommandLine.arguments.first ?? "cairn").lastPathComponent,
            abstract: "A Cairn code location: define, run and inspect data assets.",
            discussion: """
                State lives in the Cairn home directory: .cairn/ in the working directory, or \
                $CAIRN_HOME, or --home. Runs and events are kept in SQLite there, or in PostgreSQL \
                with --storage or $CAIRN_STORAGE (postgresql://user@host:5432/db), which daemons and \
                workers on several hosts share; asset values as JSON files under storage/.
                """,
            subcommands: [
                ListCommand.self, MaterializeCommand.self, CheckCommand.self, ReexecuteCommand.self,
                ExecuteCommand.self, RunsCommand.self,
                RunCommand.self, ValidateCommand.self, StatusCommand.self, ObserveCommand.self,
                PartitionsCommand.self, BackfillCommand.self, DaemonCommand.self, WorkerCommand.self,
                ExecuteRunCommand.self,
                TerminateCommand.self, ScheduleCommand.self, SensorCommand.self, AutomationCommand.self,
                DevCommand.self, PoolCommand.self, WebserverCommand.self, SchemaCommand.self, BackupCommand.self,
                PruneCommand.self,
            ])
    }
}
