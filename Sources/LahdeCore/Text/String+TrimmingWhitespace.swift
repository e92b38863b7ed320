extension String {
    /// Without leading and trailing Unicode whitespace (a no-break space from a spreadsheet included):
    /// feeds pad cells, keys and column names, and no register value or identifier starts or ends with
    /// a space. Shared by every module so that all of them trim alike.
    public func trimmingWhitespace() -> String {
        // Most values start and end with a printable ASCII byte, and then there is nothing to trim: decided
        // on the two bytes, without the grapheme and Unicode property look-ups of the general path.
        var text = self
        let untouched = text.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F
        }
        if untouched { return self }
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
