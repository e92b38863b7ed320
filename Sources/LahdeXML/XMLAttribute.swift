/// One attribute of an element, its value with entities and character references already resolved.
public struct XMLAttribute: Sendable, Hashable {
    public let name: XMLName
    public let value: String

    public init(name: XMLName, value: String) {
        self.name = name
        self.value = value
    }
}
