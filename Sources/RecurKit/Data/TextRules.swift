/// What a reader keeps of a text file's raw characters: the one statement of the line-end and
/// byte-order-mark rules for every reader of UTF-8 data (``LineReader``, ``TextFile``).
///
/// In both, a leading byte-order mark (U+FEFF, bytes `EF BB BF`) is dropped: editors write it,
/// it is not text (a TSV's first label would otherwise begin with it).
///
/// - ``text`` (the default): a line ends at `\n` or at the end of the file, and a `\r` right before that end belongs to
///   the line end (`\r\n` files read as `\n` files). A lone `\r` elsewhere is an ordinary
///   character: no data in use ends lines with a bare `\r` (classic Mac OS), and keeping it
///   leaves a stray one visible in the tokens rather than silently cutting a line in two.
/// - ``exact``: every scalar as written, every `\r` included; only `\n`
///   ends a line (Python's `text.split('\n')`). For data whose recipe fixes the text to the
///   character: char-lm's corpus and vocabulary, and the class files of a classification folder.
///
/// In both, a `\n` at the very end of the file ends the last line rather than starting an
/// empty one: `"a\nb\n"` and `"a\nb"` are both the lines `a`, `b`.
public enum TextRules: Sendable, Equatable {
    case text
    case exact
}
