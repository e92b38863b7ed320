extension String {
    /// Without leading and trailing Unicode whitespace (a no-break space from a spreadsheet included):
    /// feeds pad cells, keys and column names, and no register value or identifier starts or ends with
    /// a space. Shared by every module so that all of them trim alike.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
