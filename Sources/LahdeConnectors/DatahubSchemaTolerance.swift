import LahdeXML

/// The schema errors a Datahub message is not rejected for.
///
/// The XSDs are version 2.3.4.0 while Datahub runs newer versions (reference §0): code lists have grown
/// (`AR07`) and real headers carry `MessageNumber`/`MessagesTotal`, which this XSD copy comments out. A
/// code outside the XSD's enumeration is kept as a raw value by the mapping, so its two libxml2 errors
/// (the enumeration facet and the resulting "not a valid value of the atomic type") are dropped, as is
/// the "not expected" error for the two tolerated header elements. Everything else stands.
enum DatahubSchemaTolerance {
    static let toleratedHeaderElements = ["MessageNumber", "MessagesTotal"].map { "Element '{\(DatahubMessageType.header)}\($0)'" }

    static func relevant(_ problems: [XMLProblem]) -> [XMLProblem] {
        let unknownCodes = Set(problems.filter { $0.message.contains("[facet 'enumeration']") }.map { "\($0.line ?? 0) \($0.path ?? "")" })
        return problems.filter { problem in
            if problem.message.contains("[facet 'enumeration']") { return false }
            if problem.message.contains("is not a valid value of the atomic type"),
                unknownCodes.contains("\(problem.line ?? 0) \(problem.path ?? "")")
            {
                return false
            }
            if problem.message.contains("This element is not expected"),
                toleratedHeaderElements.contains(where: { problem.message.hasPrefix($0) })
            {
                return false
            }
            return true
        }
    }
}
