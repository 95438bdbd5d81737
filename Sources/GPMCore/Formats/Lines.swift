extension String {
    /// The text's lines as the CSV reader counts them: LF, CRLF and a lone CR each end one. Splitting a
    /// `String` at `"\n"` alone misses CRLF, which Swift holds as one character (a file Excel wrote would
    /// be one line).
    public var physicalLines: [Substring] {
        split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
