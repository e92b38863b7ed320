internal import CLibXML2
import Foundation

/// A compiled XSD, parsed once and shared by every validation.
///
/// Compiling the Datahub schemas (each includes a 300-type data-types file) costs far more than
/// validating a message against them, so a reader keeps these and never re-parses per message. libxml2
/// treats a compiled schema as read-only during validation, which makes sharing across threads safe.
public final class XMLSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr
    /// The file it was compiled from.
    public let path: String

    /// Compiles the schema at `path`; its `xs:include`/`xs:import`s resolve relative to it, never over
    /// the network.
    public init(path: String) throws(XMLProblem) {
        XMLLibrary.prepare()
        // libxml2 reports an unreadable file through its generic (stderr) channel, not the structured one.
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw XMLProblem(line: nil, message: "the schema \(path) cannot be read")
        }
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            throw XMLProblem(line: nil, message: "cannot create a schema parser for \(path)")
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let errors = XMLErrorCollector()
        xmlSchemaSetParserStructuredErrors(parser, XMLErrorCollector.callback, errors.context)
        let schema = withExtendedLifetime(errors) { xmlSchemaParse(parser) }
        guard let schema else {
            let first = errors.problems.first
            throw XMLProblem(line: first?.line, message: "the schema \(path) cannot be compiled: \(first?.message ?? "unknown error")")
        }
        self.pointer = schema
        self.path = path
    }

    deinit { xmlSchemaFree(pointer) }

    /// Validates one element (and its subtree) as a validation root; returns the problems, first first.
    func validate(_ node: xmlNodePtr) -> [XMLProblem] {
        guard let context = xmlSchemaNewValidCtxt(pointer) else {
            return [XMLProblem(line: nil, message: "cannot create a schema validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let errors = XMLErrorCollector()
        xmlSchemaSetValidStructuredErrors(context, XMLErrorCollector.callback, errors.context)
        let result = withExtendedLifetime(errors) { xmlSchemaValidateOneElement(context, node) }
        if result == 0 { return [] }
        if errors.problems.isEmpty {
            return [XMLProblem(line: Int(xmlGetLineNo(node)), path: XMLNodePath.of(node), message: "the element is not valid against \(path) (libxml2 code \(result))")]
        }
        return errors.problems
    }
}
