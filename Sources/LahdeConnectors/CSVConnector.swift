import LahdeCore
import LahdeFormats

/// Reads a delimited vendor file as its definition's ``CSVFormat`` declares it: one observed record per
/// row, in file order, in constant memory.
///
/// Row-level problems — a broken row, a bad identifier, a value no conversion can read, an unknown status
/// code — reject that row with its line and raw bytes, and the rest of the file loads. File-level
/// problems — an empty file, a header without a mapped column — throw ``CSVFileError``, which fails the
/// whole batch: a file whose columns cannot be found has no row worth loading.
public struct CSVConnector: Sendable {
    public let format: CSVFormat

    public init(format: CSVFormat) {
        self.format = format
    }

    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws {
        try read(path: file.path, emit: emit)
    }

    public func read(path: String, emit: (FeedItem) throws -> Void) throws {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, dialect: format.dialect)
        } catch let error as CSVReaderError {
            throw CSVFileError.unreadable(error)
        }
        var mapper = try CSVRecordMapper(format: format, header: reader.header)
        while let result = try reader.nextView() {
            switch result {
            case .success(let record):
                let item = mapper.item(for: record)
                try emit(item)
                mapper.recycle(item)
            case .failure(let error):
                try emit(.rejected(RejectedRecord(locator: "line \(error.location.line)", reason: error.description, raw: error.rawBytes)))
            }
        }
    }
}
