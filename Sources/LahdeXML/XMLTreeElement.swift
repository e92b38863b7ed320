import Foundation

/// An element and its subtree, detached from libxml2.
///
/// The reader hands out one of these per selected element (a Datahub message is a few kilobytes), so that
/// mapping code walks plain Swift values and never a C pointer whose lifetime ends with the next read.
/// (Not named `XMLElement`: Foundation on macOS has a class of that name, and every file importing both
/// would have to qualify it.)
///
/// An element is a position in one flat `XMLTreeStorage` shared by the whole handed-over subtree: copying
/// a message into a tree of Swift values (two strings, a text, a path and two arrays per element) and
/// freeing it again cost more than libxml2's parse itself, while a mapping looks at a few dozen of the
/// elements. Names are shared across messages, texts sit in one byte buffer, and `text`, `children` and
/// `path` are made only when asked for.
public struct XMLTreeElement: Sendable, Hashable {
    let storage: XMLTreeStorage
    let index: Int32

    private var node: XMLTreeStorage.Node { storage.nodes[Int(index)] }

    public var name: XMLName { storage.names[node.name] }

    public var attributes: [XMLAttribute] {
        let node = node
        return storage.attributes[Int(node.attributeStart)..<Int(node.attributeEnd)].map { storage.attribute($0) }
    }

    /// The child elements, in document order.
    public var children: [XMLTreeElement] {
        var result: [XMLTreeElement] = []
        var child = node.firstChild
        while child >= 0 {
            result.append(XMLTreeElement(storage: storage, index: child))
            child = storage.nodes[Int(child)].nextSibling
        }
        return result
    }

    /// The element's own text (text and CDATA children joined), not its descendants'.
    public var text: String {
        let node = node
        return String(decoding: storage.text[Int(node.textStart)..<Int(node.textEnd)], as: UTF8.self)
    }

    /// The text without surrounding spaces, tabs and line breaks (`xs:string` keeps them), trimmed on the
    /// bytes before a string is made.
    public var trimmedText: String {
        let node = node
        var start = Int(node.textStart), end = Int(node.textEnd)
        let bytes = storage.text
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The line of the start tag in the input.
    public var line: Int { Int(node.line) }

    /// Where the start tag's `<` is in the input, in bytes, for a handed-over element when the walk knows
    /// it (UTF-8 or ASCII input, which libxml2 reads unconverted); `nil` for the elements inside one.
    public var startTagOffset: Int64? {
        index == 0 && storage.rootOffset >= 0 ? storage.rootOffset : nil
    }

    /// Where the element is, by local names from the document root, with `[n]` from the second same-named
    /// sibling on: `/Envelope/Body/…/Communication[2]/CompleteNumber`. For messages to an operator.
    public var path: String {
        // Every observation's locator is a path. The steps are written backwards, from the element up, into
        // the string's own storage and moved to its front at the end: no array of steps, no name strings
        // touched (their bytes lie in the name table), no bounds checks.
        guard index > 0 else { return storage.rootPath }
        let table = storage.names
        return storage.nodes.withUnsafeBufferPointer { nodes in
            table.localBytes.withUnsafeBufferPointer { localBytes in
                table.localStarts.withUnsafeBufferPointer { localStarts in
                    var capacity = storage.rootPath.utf8.count
                    var current = index
                    while current > 0 {
                        let name = Int(nodes[Int(current)].name)
                        // "/" + name + room for "[n]"
                        capacity += 1 + Int(localStarts[name + 1] - localStarts[name]) + 22
                        current = nodes[Int(current)].parent
                    }
                    return String(unsafeUninitializedCapacity: capacity) { buffer in
                        let base = buffer.baseAddress!
                        var at = capacity
                        current = index
                        while current > 0 {
                            let node = nodes[Int(current)]
                            var position = 1
                            var sibling = nodes[Int(node.parent)].firstChild
                            while sibling != current {
                                if nodes[Int(sibling)].name == node.name { position += 1 }
                                sibling = nodes[Int(sibling)].nextSibling
                            }
                            if position > 1 {
                                at -= 1
                                base[at] = UInt8(ascii: "]")
                                while position > 0 {
                                    at -= 1
                                    base[at] = UInt8(ascii: "0") + UInt8(position % 10)
                                    position /= 10
                                }
                                at -= 1
                                base[at] = UInt8(ascii: "[")
                            }
                            let start = Int(localStarts[Int(node.name)]), count = Int(localStarts[Int(node.name) + 1]) - start
                            at -= count
                            (base + at).update(from: localBytes.baseAddress! + start, count: count)
                            at -= 1
                            base[at] = UInt8(ascii: "/")
                            current = node.parent
                        }
                        var root = storage.rootPath
                        let count = root.utf8.count
                        at -= count
                        let target = base + at
                        root.withUTF8 { target.update(from: $0.baseAddress!, count: count) }
                        let length = capacity - at
                        if at > 0 { base.update(from: base + at, count: length) }
                        return length
                    }
                }
            }
        }
    }

    /// The first child element with this name.
    public func child(_ namespace: String, _ local: String) -> XMLTreeElement? {
        var found: Int32 = -1
        forEachChild(namespace, local) { child in
            found = child
            return false
        }
        return found >= 0 ? XMLTreeElement(storage: storage, index: found) : nil
    }

    /// Every child element with this name, in document order.
    public func children(_ namespace: String, _ local: String) -> [XMLTreeElement] {
        var result: [XMLTreeElement] = []
        forEachChild(namespace, local) { child in
            result.append(XMLTreeElement(storage: storage, index: child))
            return true
        }
        return result
    }

    /// Calls `body` with each child named so, while it returns `true`. Local names are compared as bytes
    /// in the name table (lengths first); the namespace only when the local name matches.
    @inline(__always)
    private func forEachChild(_ namespace: String, _ local: String, _ body: (Int32) -> Bool) {
        var local = local
        let table = storage.names
        local.withUTF8 { wanted in
            storage.nodes.withUnsafeBufferPointer { nodes in
                table.localBytes.withUnsafeBufferPointer { localBytes in
                    table.localStarts.withUnsafeBufferPointer { localStarts in
                        var child = nodes[Int(index)].firstChild
                        while child >= 0 {
                            let name = Int(nodes[Int(child)].name)
                            let start = Int(localStarts[name])
                            if Int(localStarts[name + 1]) - start == wanted.count,
                                wanted.isEmpty || memcmp(localBytes.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0,
                                table.names[name].namespace == namespace
                            {
                                if !body(child) { return }
                            }
                            child = nodes[Int(child)].nextSibling
                        }
                    }
                }
            }
        }
    }

    /// The value of an attribute; unqualified attributes (the usual kind) have the empty namespace.
    public func attribute(_ local: String, namespace: String = "") -> String? {
        let node = node
        for attribute in storage.attributes[Int(node.attributeStart)..<Int(node.attributeEnd)] {
            let name = storage.names[attribute.name]
            if name.local == local && name.namespace == namespace { return storage.attribute(attribute).value }
        }
        return nil
    }

    /// Equal when name, attributes, text, line, path and children are, whatever storage holds them.
    public static func == (a: XMLTreeElement, b: XMLTreeElement) -> Bool {
        if a.storage === b.storage && a.index == b.index { return true }
        return a.name == b.name && a.attributes == b.attributes && a.text == b.text && a.line == b.line && a.path == b.path
            && a.children == b.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(text)
        hasher.combine(line)
    }
}

/// The elements of one handed-over subtree, flat, in document order; element 0 is its root.
final class XMLTreeStorage: Sendable {
    struct Node: Sendable {
        /// Index into `names`.
        var name: Int32
        /// -1 for the root.
        var parent: Int32
        var firstChild: Int32 = -1
        var nextSibling: Int32 = -1
        var line: Int32
        var textStart: Int32 = 0
        var textEnd: Int32 = 0
        var attributeStart: Int32 = 0
        var attributeEnd: Int32 = 0
    }

    let nodes: [Node]
    /// Every name the reader has met so far (shared, copy-on-write, with the reader and other subtrees).
    let names: XMLNameTable
    /// An attribute: its name in `names` and its value's range in `attributeValues`. Values stay bytes until
    /// asked for: a Datahub mapping reads none of them, and making a string per attribute was a visible
    /// share of the walk.
    struct Attribute: Sendable {
        var name: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    let attributes: [Attribute]
    /// The attributes' values, entities and character references resolved, each one contiguous range.
    let attributeValues: [UInt8]
    /// The elements' own texts, each a contiguous range.
    let text: [UInt8]
    /// The path of the root (`/Envelope/Body/…/Message`), from which the others' paths are made.
    let rootPath: String
    /// The root's `startTagOffset`, or -1.
    let rootOffset: Int64

    init(
        nodes: [Node], names: XMLNameTable, attributes: [Attribute] = [], attributeValues: [UInt8] = [], text: [UInt8], rootPath: String,
        rootOffset: Int64 = -1
    ) {
        self.nodes = nodes
        self.names = names
        self.attributes = attributes
        self.attributeValues = attributeValues
        self.text = text
        self.rootPath = rootPath
        self.rootOffset = rootOffset
    }

    var root: XMLTreeElement { XMLTreeElement(storage: self, index: 0) }

    func attribute(_ attribute: Attribute) -> XMLAttribute {
        XMLAttribute(
            name: names[attribute.name],
            value: String(decoding: attributeValues[Int(attribute.valueStart)..<Int(attribute.valueEnd)], as: UTF8.self))
    }
}
