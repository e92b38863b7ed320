import LahdeXML

/// Why one Datahub message cannot become observations, and where in it.
///
/// Thrown by the mapping and turned into a rejected (quarantined) message; the message's other contents
/// are not loaded, because a message is one business event and half an event is a wrong one.
struct DatahubMappingProblem: Error, Sendable {
    /// The element at fault as a path of local names.
    let path: String
    let line: Int
    /// For an operator. Never the value of an identity code (identifier errors quote none).
    let reason: String

    init(_ reason: String, at element: XMLTreeElement) {
        self.reason = reason
        self.path = element.path
        self.line = element.line
    }

    /// A required child that is not there: reported at its parent, naming it.
    static func missing(_ local: String, in parent: XMLTreeElement) -> DatahubMappingProblem {
        DatahubMappingProblem("\(local) is missing", at: parent)
    }
}
