extension String {
    /// Without leading and trailing Unicode whitespace (a no-break space from a spreadsheet included):
    /// vendors pad cells and column names, and no register value or column name starts or ends with a space.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
