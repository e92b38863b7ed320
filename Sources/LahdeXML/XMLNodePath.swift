internal import CLibXML2

/// Paths of local names for libxml2 nodes, in the same form as `XMLTreeElement.path`, so that a schema error
/// and a mapping error about the same element read the same.
enum XMLNodePath {
    static func of(_ node: UnsafeMutablePointer<xmlNode>) -> String {
        var steps: [String] = []
        var current: UnsafeMutablePointer<xmlNode>? = node
        if node.pointee.type == XML_ATTRIBUTE_NODE {
            steps.append("@" + String(cString: node.pointee.name))
            current = node.pointee.parent
        }
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            steps.append(step(element))
            current = element.pointee.parent
        }
        return "/" + steps.reversed().joined(separator: "/")
    }

    /// `Name`, or `Name[n]` when n ≥ 2 same-named (same namespace) siblings precede it.
    static func step(_ element: UnsafeMutablePointer<xmlNode>) -> String {
        let name = String(cString: element.pointee.name)
        var position = 1
        var sibling = element.pointee.prev
        while let other = sibling {
            if other.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(other.pointee.name, element.pointee.name) != 0,
                namespace(of: other) == namespace(of: element)
            {
                position += 1
            }
            sibling = other.pointee.prev
        }
        return position > 1 ? "\(name)[\(position)]" : name
    }

    static func namespace(of node: UnsafeMutablePointer<xmlNode>) -> String {
        node.pointee.ns?.pointee.href.map { String(cString: $0) } ?? ""
    }
}
