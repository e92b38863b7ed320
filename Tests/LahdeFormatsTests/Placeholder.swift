import Testing
@testable import LahdeFormats
