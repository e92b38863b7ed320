/// Why an input or a schema could not be read or does not validate, with where it happened.
public struct XMLProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line in the input, when libxml2 knows it.
    public let line: Int?
    /// The element at fault as a path of local names (see `XMLTreeElement.path`), when known.
    public let path: String?
    /// libxml2's message (or ours), without its trailing newline.
    public let message: String

    public init(line: Int?, path: String? = nil, message: String) {
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let path { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
