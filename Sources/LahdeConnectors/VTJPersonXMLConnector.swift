import Foundation
import LahdeCore
import LahdeStore
import LahdeXML

/// Reads a file of population-register person responses (`vtj-xml`): many `VTJHenkiloVastaussanoma`
/// elements (namespace `http://xml.vrk.fi/schema/vtjkysely`, reference §4) under any root, as a batch
/// of VTJkysely answers is kept.
///
/// The file is streamed: libxml2 builds one response at a time (``XMLStreamReader``), so memory stays
/// constant however many people it holds. Each response is one record, located as `response N (line L)`
/// with its exact bytes (``XMLElementByteRanges``); what it means is ``VTJPersonResponseMapping``. A
/// response that cannot be used (an invalid henkilötunnus, an error return code, an impossible date) is
/// rejected alone. A file that stops being well-formed XML keeps the responses before the fault and
/// the rest is one rejected item from the fault's line, with libxml2's reason; a DTD is refused.
public struct VTJPersonXMLConnector: Sendable {
    public static let namespace = "http://xml.vrk.fi/schema/vtjkysely"
    public static let responseElement = "VTJHenkiloVastaussanoma"

    /// Quarantined bytes per unreadable tail are capped, as for Datahub files.
    static let rawLimit: Int64 = 16 << 20

    public init() {}

    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws {
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: file.path)
        } catch {
            throw InputFileError(error.description)
        }
        let ranges = try XMLElementByteRanges(path: file.path, localName: Self.responseElement)
        var count = 0
        var handedOver: Int64 = 0
        do {
            try reader.forEachElement(where: { $0.local == Self.responseElement && $0.namespace == Self.namespace }) { response, _ in
                count += 1
                let range = try ranges.next(spanning: response.line) ?? handedOver..<file.byteCount
                handedOver = range.upperBound
                let locator = "response \(count) (line \(response.line))"
                switch VTJPersonResponseMapping.record(response, locator: locator, range: range) {
                case .success(let record): try emit(.record(record))
                case .failure(let problem):
                    try emit(.rejected(RejectedRecord(locator: locator, reason: problem.description, raw: try raw(file, range))))
                }
            }
        } catch let problem as XMLProblem {
            let reason = Redaction.maskingHenkilotunnus(in: "the file cannot be read as XML: \(problem.message)")
            try emit(.rejected(RejectedRecord(
                locator: problem.line.map { "line \($0)" } ?? "file", reason: reason, raw: try raw(file, handedOver..<file.byteCount))))
            return
        }
        if count == 0 {
            try emit(.rejected(RejectedRecord(
                locator: "file", reason: "the file holds no \(Self.responseElement) in \(Self.namespace)", raw: try raw(file, 0..<file.byteCount))))
        }
    }

    private func raw(_ file: InputFile, _ range: Range<Int64>) throws -> [UInt8] {
        try file.batchInput.rawBytes(range.lowerBound..<min(range.upperBound, range.lowerBound + Self.rawLimit))
    }
}
