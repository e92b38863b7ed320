/// An element or attribute name as a namespace URI and a local name.
///
/// Prefixes are the writer's choice (`rsm:`, `ns1:`, none) and say nothing; matching on them would break on
/// the first serializer that picks others.
public struct XMLName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace URI; empty for no namespace (unqualified attributes).
    public let namespace: String
    public let local: String

    public init(_ namespace: String, _ local: String) {
        self.namespace = namespace
        self.local = local
    }

    /// Clark notation, `{urn:…}Local`, the form libxml2's own messages use.
    public var description: String { namespace.isEmpty ? local : "{\(namespace)}\(local)" }
}
