/// Any key of a JSON object, so that a definition's objects can be checked for keys Lähde does not know.
struct DefinitionKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses keys outside `known`.
    ///
    /// `JSONDecoder` ignores unknown keys, so a misspelt option (`"delimter": ","`) would silently fall back
    /// to its default and the feed would be read wrongly; in a definition that is an error to name.
    func refuseUnknownKeys(_ known: Set<String>) throws {
        let container = try container(keyedBy: DefinitionKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "is not a known key here (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}

extension [any CodingKey] {
    /// `format.keys.0.scheme`: the dotted path a definition's author can find the key by.
    var definitionKeyPath: String {
        map { key in
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") { return String(index) }
            return key.stringValue
        }.joined(separator: ".")
    }
}

extension KeyedDecodingContainer {
    /// One of a fixed set of names (an entity kind, a key scheme), refused with the list of choices.
    func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T where T.RawValue == String {
        let name = try decode(String.self, forKey: key)
        guard let value = T(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "'\(name.prefix(40))' is not one of \(T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        return value
    }
}

extension SingleValueDecodingContainer {
    func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let name = try decode(String.self)
        guard let value = T(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                in: self, debugDescription: "'\(name.prefix(40))' is not one of \(T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        return value
    }
}
