import LahdeCore

/// Dispatches a file to the reader of its connector's format.
public enum FeedReader {
    /// - Returns: what a Datahub file held beside its records (acknowledgements); `nil` for other formats.
    @discardableResult
    public static func read(_ file: InputFile, format: ConnectorDefinition.Format, emit: (FeedItem) throws -> Void) throws
        -> DatahubReadSummary?
    {
        switch format.type {
        case "observations-jsonl": try ObservationLinesConnector().read(file, emit: emit)
        case "vtj-legacy": try VTJLegacyConnector().read(file, emit: emit)
        case "vtj-api": try VTJChangeAPIConnector().read(file, emit: emit)
        case "vtj-xml": try VTJPersonXMLConnector().read(file, emit: emit)
        case "datahub-xml": return try DatahubConnector(settings: format.datahub ?? DatahubSettings()).read(file, emit: emit)
        case "csv":
            guard let csv = format.csv else { throw InputFileError("the csv format has no layout") }
            try CSVConnector(format: csv).read(file, emit: emit)
        default: throw InputFileError("no reader for format '\(format.type)'")
        }
        return nil
    }

}
