internal import CLibXML2
import Foundation

/// Streams an XML document with libxml2's SAX2 parser and hands over selected elements as small trees.
///
/// Memory stays constant however large the input: only the selected element being handed over is ever
/// built, as one flat storage that goes when the caller drops it. Every other element is only followed
/// for its path. A selected element is validated on its own against the schema the caller picks for
/// its name (a message inside a SOAP envelope validates like the same message as a file).
///
/// Inputs are untrusted: a document with a DTD is refused before anything in it is used (no entity is
/// expanded, no external subset or entity loaded), and the parser never touches the network.
public final class XMLStreamReader {
    private let reader: OpaquePointer
    private let errors = XMLErrorCollector()
    private let memory: UnsafeMutableBufferPointer<CChar>?
    private let builder = XMLTreeBuilder()
    /// What the reader reads, for the SAX2 walk (`XMLSAXWalk`), which parses it again on its own.
    private let path: String?
    private let bytes: [UInt8]

    /// Recovery and entity substitution stay off; `NONET` is a second lock besides the no-network entity
    /// loader; big lines keep line numbers right past 65535.
    static let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Opens a file; it is read in small chunks as the document is consumed.
    public init(path: String) throws(XMLProblem) {
        XMLLibrary.prepare()
        guard let reader = xmlReaderForFile(path, nil, Self.options) else {
            throw XMLProblem(line: nil, message: "cannot open \(path)")
        }
        self.reader = reader
        self.memory = nil
        self.path = path
        self.bytes = []
        xmlTextReaderSetStructuredErrorHandler(reader, XMLErrorCollector.callback, errors.context)
    }

    /// Reads a document held in memory (a SOAP response body, a test case).
    public init(bytes: [UInt8], name: String = "memory") throws(XMLProblem) {
        XMLLibrary.prepare()
        let memory = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        for (index, byte) in bytes.enumerated() { memory[index] = CChar(bitPattern: byte) }
        guard let reader = xmlReaderForMemory(memory.baseAddress, Int32(bytes.count), name, nil, Self.options) else {
            memory.deallocate()
            throw XMLProblem(line: nil, message: "cannot create an XML reader")
        }
        self.reader = reader
        self.memory = memory
        self.path = nil
        self.bytes = bytes
        xmlTextReaderSetStructuredErrorHandler(reader, XMLErrorCollector.callback, errors.context)
    }

    deinit {
        xmlFreeTextReader(reader)
        memory?.deallocate()
    }

    /// Walks the document and calls `body` for every element `select` accepts, outermost first (the
    /// subtree of a selected element is not searched further), with the problems found by validating it
    /// against `schema(name)` when that is not `nil`. The walk goes over libxml2's SAX2 parser
    /// (`XMLSAXWalk`), which also feeds libxml2's streaming validator; a reader is walked once.
    ///
    /// A schema problem carries the line of the element's start tag and its path (with `/@name` for an
    /// attribute), as `forEachElementThroughReader` reports them from libxml2's tree.
    ///
    /// - Throws: an `XMLProblem` when the document is not (namespace-)well-formed or declares a DTD — the rest of the
    ///   document cannot be trusted then; elements handed over before stay handed over. Errors thrown by
    ///   `body` are rethrown.
    public func forEachElement(
        where select: (XMLName) -> Bool, schema: ((XMLName) -> XMLSchema?)? = nil,
        _ body: (_ element: XMLTreeElement, _ schemaProblems: [XMLProblem]) throws -> Void
    ) throws {
        try withoutActuallyEscaping(select) { select in
            try withoutActuallyEscaping(body) { body in
                if let schema {
                    try withoutActuallyEscaping(schema) { schema in try walk(select: select, schema: schema, body: body) }
                } else {
                    try walk(select: select, schema: nil, body: body)
                }
            }
        }
    }

    /// The same walk over `xmlTextReader`: each selected element is expanded into libxml2's tree, validated
    /// there with `xmlSchemaValidateOneElement` and copied. About twice as slow as `forEachElement`; kept as
    /// the independent reference the streaming walk is tested against (trees, lines, paths, schema problems).
    public func forEachElementThroughReader(
        where select: (XMLName) -> Bool, schema: (XMLName) -> XMLSchema?,
        _ body: (_ element: XMLTreeElement, _ schemaProblems: [XMLProblem]) throws -> Void
    ) throws {
        errors.reset()
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            // libxml2 goes on after namespace errors (an undeclared prefix); such a document is not
            // namespace-well-formed, and going on would silently drop the elements that lost their namespace.
            if !errors.problems.isEmpty { throw failure() }
            let type = xmlTextReaderNodeType(reader)
            if type == Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue) || type == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
                throw XMLProblem(
                    line: Int(xmlTextReaderGetParserLineNumber(reader)),
                    message: "the document declares a DTD (<!DOCTYPE>); DTDs and entity declarations are refused in feeds")
            }
            if type == Int32(XML_READER_TYPE_ELEMENT.rawValue) {
                let name = XMLName(
                    xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) } ?? "",
                    xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "")
                if select(name) {
                    guard let node = xmlTextReaderExpand(reader) else { throw failure() }
                    let problems = schema(name)?.validate(node) ?? []
                    let parentPath = node.pointee.parent.map { $0.pointee.type == XML_ELEMENT_NODE ? XMLNodePath.of($0) : "" } ?? ""
                    try body(element(from: node, path: parentPath + "/" + XMLNodePath.step(node)), problems)
                    status = xmlTextReaderNext(reader)
                    continue
                }
            }
            status = xmlTextReaderRead(reader)
        }
        if status < 0 { throw failure() }
    }

    private func walk(
        select: @escaping (XMLName) -> Bool, schema: ((XMLName) -> XMLSchema?)?, body: @escaping (XMLTreeElement, [XMLProblem]) throws -> Void
    ) throws {
        if let path {
            guard let handle = fopen(path, "rb") else { throw XMLProblem(line: nil, message: "cannot open \(path)") }
            defer { fclose(handle) }
            try XMLSAXWalk.run(select: select, schema: schema, body: body, options: Self.options) { buffer in
                let count = fread(buffer.baseAddress, 1, buffer.count, handle)
                if count == 0 && ferror(handle) != 0 { throw XMLProblem(line: nil, message: "cannot read \(path)") }
                return count
            }
        } else {
            var offset = 0
            try XMLSAXWalk.run(select: select, schema: schema, body: body, options: Self.options) { [bytes] buffer in
                let count = min(buffer.count, bytes.count - offset)
                guard count > 0 else { return 0 }
                bytes.withUnsafeBytes { source in
                    buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
                }
                offset += count
                return count
            }
        }
    }

    /// The parser's first error, or a generic one at the parser's position.
    private func failure() -> XMLProblem {
        errors.problems.first
            ?? XMLProblem(line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "the document is not well-formed XML")
    }

    /// Copies a libxml2 subtree into one flat storage (see `XMLTreeElement`).
    func element(from node: xmlNodePtr, path: String) -> XMLTreeElement {
        builder.tree(of: node, rootPath: path)
    }
}
