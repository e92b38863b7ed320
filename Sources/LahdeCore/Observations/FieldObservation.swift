/// One field of one record as a feed states it.
public struct FieldObservation: Sendable, Hashable {
    /// A name from the field catalogue (`lahde.field`), e.g. `last_name`, `address.permanent.street`.
    public let field: String
    /// The value as text in the field's canonical form; `nil` states that the field no longer has a value.
    public let value: String?
    /// Where in the record the value stood, when finer than the record (an XPath, a column name).
    public let locator: String?

    public init(field: String, value: String?, locator: String? = nil) {
        self.field = field
        self.value = value
        self.locator = locator
    }
}
