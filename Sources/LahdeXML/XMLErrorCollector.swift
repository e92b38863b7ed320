internal import CLibXML2

/// Gathers libxml2's structured errors for one parse or one validation.
///
/// The structured callbacks are used rather than the generic ones because those are C-variadic (Swift
/// cannot receive them) and carry no line. The callback's parameter type differs between libxml2 versions
/// (2.9.14: `xmlErrorPtr`; 2.12+: `const xmlError *`), so it lives here and nowhere else.
final class XMLErrorCollector {
    private(set) var problems: [XMLProblem] = []

    /// Only the first few are kept: one bad message is a handful of errors, a garbage file thousands.
    static let limit = 20

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    func reset() { problems.removeAll() }

    func record(_ error: UnsafeMutablePointer<xmlError>) {
        let level = error.pointee.level
        guard level == XML_ERR_ERROR || level == XML_ERR_FATAL, problems.count < Self.limit else { return }
        let message = Self.message(of: error)
        var line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
        var path: String?
        if let raw = error.pointee.node {
            let node = raw.assumingMemoryBound(to: xmlNode.self)
            path = XMLNodePath.of(node)
            if line == nil || line == 65535 {
                let nodeLine = xmlGetLineNo(node)
                if nodeLine > 0 { line = Int(nodeLine) }
            }
        }
        problems.append(XMLProblem(line: line, path: path, message: message))
    }

    /// libxml2's message without its trailing newline.
    static func message(of error: UnsafeMutablePointer<xmlError>) -> String {
        var message = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error \(error.pointee.code)"
        while message.last?.isNewline == true || message.last == " " { message.removeLast() }
        return message
    }

    /// The C entry point; `context` is an unretained collector that outlives the parse.
    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error)
    }
}
