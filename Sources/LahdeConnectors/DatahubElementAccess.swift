import LahdeXML

/// What every Datahub mapping needs besides `trimmedText` (in LahdeXML): a required child that names
/// itself when missing.
extension XMLTreeElement {
    /// A required child, or the problem naming it.
    func required(_ namespace: String, _ local: String) throws(DatahubMappingProblem) -> XMLTreeElement {
        guard let child = child(namespace, local) else { throw .missing(local, in: self) }
        return child
    }
}
