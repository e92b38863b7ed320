import Foundation
import LahdeCore
import LahdeStore
import LahdeXML

/// Reads Fingrid Datahub XML messages (`datahub-xml`): a file holding one message, a SOAP 1.2
/// `PeekMessageResponse` envelope around one, or any XML holding several.
///
/// Each message is one business event (reference §2) and becomes one record, or one rejected item with
/// the message's bytes: schema errors (when an XSD folder is set), the checks the XSD misses (§12: check
/// digits, `DocumentType` against the root, UTC times) and unsupported types all quarantine the message
/// whole, and the other messages still load. F01, E58 and the contract events F04, F06 and F18 are mapped;
/// ACKs are recorded in the summary (and by the importer in `lahde.acknowledgement`), never merged; F27
/// and every other type are quarantined.
///
/// Byte ranges: the first message's range starts at the file's first byte (a one-message file is
/// quarantined whole, declaration and envelope included) and each range ends where the next message's
/// start tag begins, so the ranges tile the file.
public struct DatahubConnector: Sendable {
    private let schemas: DatahubSchemaCache?

    /// Quarantined bytes per unreadable region are capped: a broken multi-gigabyte file must not become a
    /// multi-gigabyte quarantine row.
    static let rawLimit: Int64 = 16 << 20

    static let mappedTypes: Set<String> = ["F01", "E58", "F04", "F06", "F18"]
    /// Validated against their schema too: what is recorded must be what Datahub sends.
    static let validatedTypes = mappedTypes.union(["ACK"])

    /// - Parameter xsdFolder: the Datahub XSD tree (`masterdata/`, `common/`, …); `nil` skips schema
    ///   validation.
    public init(xsdFolder: URL?) {
        schemas = xsdFolder.map { DatahubSchemaCache.shared(for: $0) }
    }

    public init(settings: DatahubSettings) {
        self.init(xsdFolder: settings.resolvedXSDFolder)
    }

    /// Hands every message of `file` to `emit` in file order.
    ///
    /// - Throws: when the file cannot be read or an XSD is missing or broken (a set-up problem); a file
    ///   that is not well-formed or declares a DTD is not thrown but handed over as rejected.
    @discardableResult
    public func read(_ file: InputFile, emit: (FeedItem) throws -> Void) throws -> DatahubReadSummary {
        let reader = try XMLStreamReader(path: file.path)
        let lines = try DatahubLineOffsets(path: file.path)
        var summary = DatahubReadSummary()
        var pending: (element: XMLTreeElement, problems: [XMLProblem], start: Int64)?
        var setupError: (any Error)?
        var sawPeekResponse = false

        func flush(upTo end: Int64) throws {
            guard let message = pending else { return }
            pending = nil
            for item in try self.items(for: message.element, schemaProblems: message.problems, range: message.start..<end, file: file, summary: &summary) {
                try emit(item)
            }
        }

        do {
            try reader.forEachElement(where: { name in
                if name.local == "PeekMessageResponse" { sawPeekResponse = true }
                return DatahubMessageType.isMessage(name.namespace, name.local)
            }, schema: schemas == nil ? nil : { name in
                guard let schemas, setupError == nil, let type = DatahubMessageType.of(namespace: name.namespace),
                    Self.validatedTypes.contains(type.code)
                else { return nil }
                do {
                    return try schemas.schema(for: type)
                } catch {
                    setupError = error
                    return nil
                }
            }) { element, problems in
                if let setupError { throw setupError }
                let start = pending == nil ? 0 : try element.startTagOffset ?? startOffset(of: element, after: pending!.start, lines: lines)
                try flush(upTo: start)
                pending = (element, problems, start)
            }
        } catch let problem as XMLProblem {
            // The document breaks off here: what was handed over stands, the rest is quarantined.
            let start = pending == nil ? 0 : try lines.offset(ofLine: max(problem.line ?? 1, (pending?.element.line ?? 1) + 1))
            try flush(upTo: start)
            summary.rejected += 1
            let (raw, truncated) = try rawBytes(of: file, start..<file.byteCount)
            let reason = "the file cannot be read as XML: \(problem.message)" + (truncated ? " (first 16 MiB kept)" : "")
            try emit(.rejected(RejectedRecord(
                locator: problem.line.map { "line \($0)" } ?? "file", reason: Redaction.maskingHenkilotunnus(in: reason), raw: raw)))
            return summary
        }
        try flush(upTo: file.byteCount)
        // An empty peek response means an empty queue; any other file without a message is not a Datahub
        // file at all, and saying nothing would let a wrong file pass as loaded.
        if summary.messages == 0 && !sawPeekResponse {
            summary.rejected += 1
            let (raw, _) = try rawBytes(of: file, 0..<file.byteCount)
            try emit(.rejected(RejectedRecord(locator: "file", reason: "the file holds no Datahub message", raw: raw)))
        }
        return summary
    }

    /// One message's items: one record (F01, E58), a contract record after its customers' party records
    /// (F04, F06, F18), one rejected item, or none for an acknowledgement, which is recorded in the summary.
    private func items(
        for element: XMLTreeElement, schemaProblems: [XMLProblem], range: Range<Int64>, file: InputFile, summary: inout DatahubReadSummary
    ) throws -> [FeedItem] {
        guard let type = DatahubMessageType.of(namespace: element.name.namespace) else { return [] }
        summary.messages += 1
        summary.byType[type.code, default: 0] += 1
        let id = Self.identification(of: element) ?? "?"

        func rejected(_ reason: String, line: Int, path: String) throws -> FeedItem {
            summary.rejected += 1
            let (raw, truncated) = try rawBytes(of: file, range)
            return .rejected(RejectedRecord(
                locator: "message \(id) \(type.code) line \(line) \(path)",
                reason: Redaction.maskingHenkilotunnus(in: reason + (truncated ? " (first 16 MiB kept)" : "")), raw: raw))
        }

        if let first = DatahubSchemaTolerance.relevant(schemaProblems).first {
            return [try rejected("not valid against the \(type.code) schema: \(first.message)", line: first.line ?? element.line, path: first.path ?? element.path)]
        }
        guard Self.validatedTypes.contains(type.code) else {
            let why = type.code == "F27"
                ? "F27 contract events are not loaded: their business use is unconfirmed (reference §6)"
                : "\(type.code) messages carry nothing for the customer register"
            return [try rejected(why, line: element.line, path: element.path)]
        }
        do throws(DatahubMappingProblem) {
            let message = try DatahubEnvelope(root: element, type: type)
            switch type.code {
            case "ACK":
                summary.acknowledgements.append(Self.acknowledgement(message))
                return []
            case "F01": return [.record(try DatahubCustomerMapping.record(message, rawRange: range))]
            case "E58": return [.record(try DatahubAccountingPointMapping.record(message, rawRange: range))]
            default: return try DatahubContractMapping.records(message, rawRange: range).map { .record($0) }
            }
        } catch {
            return [try rejected(error.reason, line: error.line, path: error.path)]
        }
    }

    /// An ACK's header and outcome (reference §7); its header passed the same checks as any message's.
    static func acknowledgement(_ message: DatahubEnvelope) -> DatahubReadSummary.Acknowledgement {
        let elm = message.type.elementsNamespace
        let header = message.root.children.first?.child(message.type.namespace, "Header")
        let reasons = message.transaction.children(elm, "EventReason").map { reason in
            [reason.child(elm, "EventReasonCode")?.trimmedText, reason.child(elm, "EventReasonText")?.trimmedText]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        }
        return .init(
            messageID: message.identification,
            acknowledges: header?.child(DatahubMessageType.header, "OriginalBusinessDocumentReference")?.trimmedText,
            reasonCode: message.transaction.child(elm, "ReasonCode")?.trimmedText, process: message.process,
            eventReasons: reasons.map { Redaction.maskingHenkilotunnus(in: $0) })
    }

    /// The header's message id, looked up without trusting the structure (for locators of bad messages).
    static func identification(of root: XMLTreeElement) -> String? {
        for event in root.children {
            if let id = event.child(event.name.namespace, "Header")?.child(DatahubMessageType.header, "Identification")?.trimmedText,
                !id.isEmpty
            {
                // At most 36 bytes are at most 36 characters: no walk over the characters then.
                return id.utf8.count <= 36 ? id : String(id.prefix(36))
            }
        }
        return nil
    }

    /// Where a later message's start tag begins, when the reader could not say (input libxml2 converts
    /// from another encoding). libxml2 gives the line on which the start tag *ends*
    /// (after its namespace declarations), so the tag's `<` is searched backwards from the end of that
    /// line; `<` cannot occur inside a tag, and the name after it must be the element's.
    private func startOffset(of element: XMLTreeElement, after previous: Int64, lines: DatahubLineOffsets) throws -> Int64 {
        let end = try lines.offset(ofLine: element.line + 1)
        let local = Array(element.name.local.utf8)
        // A start tag is rarely longer than a few hundred bytes: look close first, further only if needed.
        var size: Int64 = 4096
        while true {
            let from = max(previous, end - size)
            guard from < end else { return end }
            let window = try lines.bytes(from..<end)
            var index = window.count - 1
            while index >= 0 {
                if window[index] == UInt8(ascii: "<") {
                    var nameEnd = index + 1
                    while nameEnd < window.count, !Self.endsName(window[nameEnd]) { nameEnd += 1 }
                    let name = window[(index + 1)..<nameEnd]
                    let localPart = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
                    if localPart.elementsEqual(local) { return from + Int64(index) }
                }
                index -= 1
            }
            if from == previous || size >= 1 << 20 { return from }
            size *= 8
        }
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
    }

    private func rawBytes(of file: InputFile, _ range: Range<Int64>) throws -> ([UInt8], Bool) {
        let capped = range.lowerBound..<min(range.upperBound, range.lowerBound + Self.rawLimit)
        return (try file.batchInput.rawBytes(capped), capped != range)
    }
}
