import LahdeXML

/// A message whose type has no schema in the XSD folder.
struct DatahubSchemaMissing: Error, CustomStringConvertible {
    let type: String
    let path: String
    var description: String { "no XSD for \(type) messages at \(path)" }
}

/// A schema in the XSD folder that libxml2 cannot compile.
struct DatahubSchemaBroken: Error, CustomStringConvertible {
    let problem: XMLProblem
    var description: String { problem.message }
}
