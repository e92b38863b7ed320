import LahdeCore

/// Dispatches a file to the reader of its connector's format.
public enum FeedReader {
    public static func read(_ file: InputFile, format: String, emit: (FeedItem) throws -> Void) throws {
        switch format {
        case "observations-jsonl": try ObservationLinesConnector().read(file, emit: emit)
        default: throw InputFileError("no reader for format '\(format)'")
        }
    }
}
