internal import CLibXML2

/// Turns libxml2 subtrees into `XMLTreeStorage`s, remembering the names it has met.
///
/// Element names come from the parser's dictionary, so a name is known by its pointer (and its namespace
/// by the `xmlNs` declaration within one subtree): a name's Swift strings are made once per reader, not
/// once per element. A small direct-mapped table in front of the dictionary answers most look-ups.
final class XMLTreeBuilder {
    private struct NameKey: Hashable {
        let local: UInt
        let namespace: Int32
    }

    private struct Slot {
        var local: UInt = 0
        var namespace: Int32 = -1
        var id: Int32 = 0
    }

    /// What one subtree is built into; a value, so that appending does not go through class accessors.
    private struct Parts {
        var nodes: [XMLTreeStorage.Node] = []
        var attributes: [XMLTreeStorage.Attribute] = []
        var attributeValues: [UInt8] = []
        var text: [UInt8] = []
        /// The subtree's namespace declarations met so far: a handful per message.
        var declarations: [(UnsafeMutablePointer<xmlNs>, Int32)] = []
    }

    private var names = XMLNameTable()
    private var nameIDs: [NameKey: Int32] = [:]
    private var namespaces = XMLInterner<String>([""])
    private var recent = [Slot](repeating: Slot(), count: 512)

    /// Copies `node` and its subtree.
    func tree(of node: xmlNodePtr, rootPath: String) -> XMLTreeElement {
        var parts = Parts()
        parts.nodes.reserveCapacity(64)
        parts.text.reserveCapacity(1024)
        _ = add(node, parent: -1, to: &parts)
        return XMLTreeStorage(
            nodes: parts.nodes, names: names, attributes: parts.attributes, attributeValues: parts.attributeValues, text: parts.text,
            rootPath: rootPath
        ).root
    }

    /// Appends `node` and its subtree; returns its index.
    private func add(_ node: xmlNodePtr, parent: Int32, to parts: inout Parts) -> Int32 {
        let index = Int32(parts.nodes.count)
        let rawLine = node.pointee.line
        let line = rawLine < 65535 ? Int32(rawLine) : Int32(truncatingIfNeeded: xmlGetLineNo(node))
        var entry = XMLTreeStorage.Node(
            name: nameID(node.pointee.name, namespaceID(node.pointee.ns, in: &parts), doc: node.pointee.doc), parent: parent, line: line)

        entry.attributeStart = Int32(parts.attributes.count)
        var attribute = node.pointee.properties
        while let current = attribute {
            let valueStart = Int32(parts.attributeValues.count)
            if let content = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                parts.attributeValues.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                cxml_free(content)
            }
            let namespaceIndex = namespaceID(current.pointee.ns, in: &parts)  // may add the URI: look it up after
            let name = names.id(for: XMLName(namespaces[namespaceIndex], String(cString: current.pointee.name)))
            parts.attributes.append(XMLTreeStorage.Attribute(name: name, valueStart: valueStart, valueEnd: Int32(parts.attributeValues.count)))
            attribute = current.pointee.next
        }
        entry.attributeEnd = Int32(parts.attributes.count)

        // The element's own text first, so that it is one range; then the child elements.
        entry.textStart = Int32(parts.text.count)
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE, let content = current.pointee.content {
                parts.text.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            child = current.pointee.next
        }
        entry.textEnd = Int32(parts.text.count)
        parts.nodes.append(entry)

        var previous: Int32 = -1
        child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let added = add(current, parent: index, to: &parts)
                if previous < 0 { parts.nodes[Int(index)].firstChild = added } else { parts.nodes[Int(previous)].nextSibling = added }
                previous = added
            }
            child = current.pointee.next
        }
        return index
    }

    private func namespaceID(_ ns: UnsafeMutablePointer<xmlNs>?, in parts: inout Parts) -> Int32 {
        guard let ns else { return 0 }
        for (declaration, id) in parts.declarations where declaration == ns { return id }
        let id = namespaces.id(for: ns.pointee.href.map { String(cString: $0) } ?? "")
        parts.declarations.append((ns, id))
        return id
    }

    private func nameID(_ local: UnsafePointer<xmlChar>, _ namespace: Int32, doc: xmlDocPtr?) -> Int32 {
        let address = UInt(bitPattern: local)
        let slot = Int(truncatingIfNeeded: ((address >> 4) &+ UInt(namespace) &* 40503) & UInt(recent.count - 1))
        if recent[slot].local == address && recent[slot].namespace == namespace { return recent[slot].id }
        let key = NameKey(local: address, namespace: namespace)
        if let id = nameIDs[key] {
            recent[slot] = Slot(local: address, namespace: namespace, id: id)
            return id
        }
        let id = names.id(for: XMLName(namespaces[namespace], String(cString: local)))
        // Only a name owned by the parser's dictionary lives as long as the reader; another one's pointer
        // may be freed and reused, so it is not remembered.
        if let dict = doc?.pointee.dict, xmlDictOwns(dict, local) == 1 {
            nameIDs[key] = id
            recent[slot] = Slot(local: address, namespace: namespace, id: id)
        }
        return id
    }
}
