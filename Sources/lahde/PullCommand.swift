import ArgumentParser

/// `lahde pull SOURCE`: feeds that Lähde must ask for, page by page or message by message, rather than
/// files someone delivers. Each source keeps its own cursor (the queue itself, or the last change key) and
/// commits it only after the batch it belongs to.
struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Take in what a service holds for us: the Datahub queue or the VTJ change API.",
        subcommands: [PullDatahubCommand.self, PullVTJAPICommand.self])
}
