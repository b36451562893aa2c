//! Positions and white space, as every reader reports and normalizes them.

/// Collapses runs of ASCII white space (line breaks, tabs, spaces) to one space and trims them;
/// other spaces (NBSP, thin space) are text as written and stay.
pub fn normalize_space(s: &str) -> String {
    s.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Byte offsets to 1-based lines and columns (columns in characters).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The line and column of `offset` in `text` (the text the index was made from); an offset
    /// inside a character counts as that character's start.
    pub fn at(&self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = text[self.starts[line]..offset].chars().count() + 1;
        (line as u32 + 1, column as u32)
    }

    /// For a single lookup.
    pub fn locate(text: &str, offset: usize) -> (u32, u32) {
        LineIndex::new(text).at(text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        let text = "ab\nçd\n\nx";
        assert_eq!(LineIndex::locate(text, 0), (1, 1));
        assert_eq!(LineIndex::locate(text, 3), (2, 1));
        assert_eq!(LineIndex::locate(text, 5), (2, 2), "after the two-byte ç");
        assert_eq!(LineIndex::locate(text, 4), (2, 1), "inside ç: its start");
        assert_eq!(LineIndex::locate(text, 8), (4, 1));
        assert_eq!(LineIndex::locate(text, 99), (4, 2), "past the end: the end");
    }

    #[test]
    fn only_ascii_white_space_collapses() {
        assert_eq!(normalize_space("  a \n\t b\u{A0}c  "), "a b\u{A0}c");
    }
}
