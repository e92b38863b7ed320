import LahdeXML

/// The two accessors every Datahub mapping needs: a required child that names itself when missing, and
/// text without the surrounding whitespace that `xs:string` keeps.
extension XMLTreeElement {
    /// A required child, or the problem naming it.
    func required(_ namespace: String, _ local: String) throws(DatahubMappingProblem) -> XMLTreeElement {
        guard let child = child(namespace, local) else { throw .missing(local, in: self) }
        return child
    }

    /// The text trimmed of surrounding whitespace (the XSDs use `xs:string`, which keeps it).
    /// Done on UTF-8 bytes: Foundation's `trimmingCharacters` goes through NSString and was a visible share
    /// of the per-message cost.
    var trimmedText: String {
        let bytes = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        if first == bytes.startIndex && bytes.index(after: last) == bytes.endIndex { return text }
        return String(text[first...last])
    }
}
