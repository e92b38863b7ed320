/// An element and its subtree, detached from libxml2.
///
/// The reader hands out one of these per selected element (a Datahub message is a few kilobytes), so that
/// mapping code walks plain Swift values and never a C pointer whose lifetime ends with the next read.
/// (Not named `XMLElement`: Foundation on macOS has a class of that name, and every file importing both
/// would have to qualify it.)
public struct XMLTreeElement: Sendable, Hashable {
    public let name: XMLName
    public let attributes: [XMLAttribute]
    public let children: [XMLTreeElement]
    /// The element's own text (text and CDATA children joined), not its descendants'.
    public let text: String
    /// The line of the start tag in the input.
    public let line: Int
    /// Where the element is, by local names from the document root, with `[n]` from the second same-named
    /// sibling on: `/Envelope/Body/…/Communication[2]/CompleteNumber`. For messages to an operator.
    public let path: String

    public init(name: XMLName, attributes: [XMLAttribute] = [], children: [XMLTreeElement] = [], text: String = "", line: Int = 0, path: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
        self.path = path
    }

    /// The first child element with this name.
    public func child(_ namespace: String, _ local: String) -> XMLTreeElement? {
        children.first { $0.name.local == local && $0.name.namespace == namespace }
    }

    /// Every child element with this name, in document order.
    public func children(_ namespace: String, _ local: String) -> [XMLTreeElement] {
        children.filter { $0.name.local == local && $0.name.namespace == namespace }
    }

    /// The value of an attribute; unqualified attributes (the usual kind) have the empty namespace.
    public func attribute(_ local: String, namespace: String = "") -> String? {
        attributes.first { $0.name.local == local && $0.name.namespace == namespace }?.value
    }
}
