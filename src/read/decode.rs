//! From bytes to clean text: size limit, binary sniffing, byte order mark, UTF-8 (strict or
//! lossy), line endings, and characters XML 1.0 forbids.
//!
//! Everything after this step may assume text that is valid UTF-8, uses `\n` line endings only,
//! and holds no character that could make XML ill-formed.
//!
//! XML documents ([`decode_xml`]) are read in the encoding they declare, as XML 1.0 §4.3.3 and
//! Appendix F say: a byte order mark (UTF-8, UTF-16), else the declaration's `encoding`
//! (ISO-8859-1, Windows-1252, ISO-8859-15, Shift_JIS, ... through `encoding_rs`, with the WHATWG
//! labels browsers use: ISO-8859-1 is read as its superset Windows-1252), else UTF-8. A
//! declaration that lies (a single-byte encoding declared, bytes that are valid UTF-8 with
//! characters beyond ASCII, as some agency feeds send) is read as UTF-8 with a warning
//! (`NA-READ-018`) rather than turned into mojibake.

use super::ReadError;
use crate::model::{LineEndings, Warning, WarningCode};

/// At most this many warnings of one kind are listed one by one; the rest are counted.
const MAX_LISTED: usize = 20;

/// Decoded text and what decoding learned about the bytes.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub bom: bool,
    pub line_endings: LineEndings,
    pub warnings: Vec<Warning>,
}

/// Decodes `bytes`. `lossy` replaces invalid UTF-8 by U+FFFD (with warnings) instead of failing.
pub fn decode(bytes: &[u8], lossy: bool, max_size: u64) -> Result<Decoded, ReadError> {
    if bytes.len() as u64 > max_size {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: max_size });
    }
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    sniff_binary(bytes)?;
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let offset = if bom { 3 } else { 0 };
    let mut warnings = Vec::new();
    let text = decode_utf8(&bytes[offset..], offset, lossy, &mut warnings)?;
    finish(text, bom, warnings)
}

/// Decodes an XML document in the encoding it declares (see the module's overview); the text
/// keeps its declaration, which [`super::xml::parse_decoded`] then reads without re-checking the
/// encoding.
pub fn decode_xml(bytes: &[u8], lossy: bool, max_size: u64) -> Result<Decoded, ReadError> {
    if bytes.len() as u64 > max_size {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: max_size });
    }
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(encoding) = utf16 {
        let (text, malformed) = encoding.decode_without_bom_handling(&bytes[2..]);
        if malformed && !lossy {
            return Err(ReadError::Unsupported(format!(
                "the {} text holds malformed sequences (give --lossy to replace them)",
                encoding.name()
            )));
        }
        return finish(text.into_owned(), false, Vec::new());
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = &bytes[if bom { 3 } else { 0 }..];
    let declared = if bom { None } else { declared_encoding(body) };
    let mut warnings = Vec::new();
    let Some(label) = declared.filter(|l| !l.eq_ignore_ascii_case("utf-8") && !l.eq_ignore_ascii_case("utf8")) else {
        sniff_binary(bytes)?;
        let text = decode_utf8(body, if bom { 3 } else { 0 }, lossy, &mut warnings)?;
        return finish(text, bom, warnings);
    };
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| ReadError::Unsupported(format!("the declared encoding `{label}` is not one newsarc knows")))?;
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Err(ReadError::Unsupported(format!(
            "the declaration says `{label}`, but the bytes have no UTF-16 byte order mark and read as ASCII"
        )));
    }
    sniff_binary(bytes)?;
    let single_byte = encoding.is_single_byte();
    if single_byte && !body.is_ascii() && std::str::from_utf8(body).is_ok() {
        warnings.push(Warning::new(
            WarningCode::DeclaredEncodingWrong,
            format!(
                "the document declares `{label}`, but its bytes are UTF-8 (each character beyond ASCII is a valid UTF-8 \
                 sequence); read as UTF-8"
            ),
        ));
        let text = decode_utf8(body, 0, lossy, &mut warnings)?;
        return finish(text, false, warnings);
    }
    let (text, malformed) = encoding.decode_without_bom_handling(body);
    if malformed && !lossy {
        return Err(ReadError::Unsupported(format!(
            "bytes that are not {} (the declared encoding `{label}`); give --lossy to replace them",
            encoding.name()
        )));
    }
    finish(text.into_owned(), false, warnings)
}

/// The `encoding` of an XML declaration at the very start (`<?xml version="1.0"
/// encoding="ISO-8859-1"?>`), read as ASCII, as every encoding a declaration may name writes it.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let head = head.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let at = declaration.find("encoding")?;
    let rest = declaration[at + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].trim().to_string())
}

/// What every text goes through after decoding: blank input refused, line endings normalised,
/// characters XML forbids replaced.
fn finish(text: String, bom: bool, mut warnings: Vec<Warning>) -> Result<Decoded, ReadError> {
    if text.trim().is_empty() {
        return Err(if bom && text.is_empty() { ReadError::OnlyBom } else { ReadError::Blank });
    }
    let (text, line_endings, first_change) = normalize_line_endings(text);
    if let (LineEndings::Mixed, Some(line)) = (line_endings, first_change) {
        warnings.push(
            Warning::new(
                WarningCode::MixedLineEndings,
                "the file mixes LF, CRLF and CR line endings (this line ends unlike the first); all were read as line breaks",
            )
            .at(line, 1),
        );
    }
    let text = replace_illegal_xml_chars(text, &mut warnings);
    Ok(Decoded { text, bom, line_endings, warnings })
}

/// Refuses files that are clearly not text: well-known binary signatures, UTF-16, NUL bytes
/// ([`super::sniff::binary`], the table the loader's sniffing uses too).
fn sniff_binary(bytes: &[u8]) -> Result<(), ReadError> {
    match super::sniff::binary(bytes) {
        Some(found) => Err(found.refusal()),
        None => Ok(()),
    }
}

fn decode_utf8(bytes: &[u8], base: usize, lossy: bool, warnings: &mut Vec<Warning>) -> Result<String, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) if !lossy => {
            let at = e.valid_up_to();
            let (line, column) = line_col(&bytes[..at]);
            let len = e.error_len().unwrap_or(bytes.len() - at);
            let bad = &bytes[at..at + len.min(4)];
            let hex: Vec<String> = bad.iter().map(|b| format!("{b:02X}")).collect();
            let bytes_text = format!("{} {}", if bad.len() == 1 { "byte" } else { "bytes" }, hex.join(" "));
            let offset = (base + at) as u64;
            // No error length: the sequence is cut off by the end of the file.
            Err(match e.error_len() {
                None => ReadError::TruncatedUtf8 { offset, line, column, bytes: bytes_text },
                Some(_) => ReadError::InvalidUtf8 { offset, line, column, bytes: bytes_text },
            })
        }
        Err(_) => {
            let mut text = String::with_capacity(bytes.len());
            let mut offset = 0usize;
            let mut count = 0usize;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                offset += chunk.valid().len();
                if !chunk.invalid().is_empty() {
                    count += 1;
                    if count <= MAX_LISTED {
                        let (line, column) = line_col(&bytes[..offset]);
                        warnings.push(
                            Warning::new(
                                WarningCode::InvalidUtf8Replaced,
                                format!("invalid UTF-8 at byte offset {} replaced by U+FFFD", base + offset),
                            )
                            .at(line, column),
                        );
                    }
                    text.push('\u{FFFD}');
                    offset += chunk.invalid().len();
                }
            }
            if count > MAX_LISTED {
                warnings.push(Warning::new(
                    WarningCode::InvalidUtf8Replaced,
                    format!("{} more invalid UTF-8 sequences replaced by U+FFFD", count - MAX_LISTED),
                ));
            }
            Ok(text)
        }
    }
}

/// 1-based line and column (in characters, counting invalid bytes as one each) of the end of
/// `before`.
fn line_col(before: &[u8]) -> (u32, u32) {
    let line_start = before.iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
    let line = 1 + count_line_breaks(before);
    let column = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count();
    (line as u32, column as u32)
}

fn count_line_breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// Turns CRLF and lone CR into LF and says which style the file used.
/// Turns CRLF and lone CR into LF; says which style the file used and, when it mixes styles,
/// the (1-based) line that ends differently from the first.
fn normalize_line_endings(text: String) -> (String, LineEndings, Option<u32>) {
    let bytes = text.as_bytes();
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    let (mut first_style, mut first_change, mut line) = (None, None, 1u32);
    let mut i = 0;
    while i < bytes.len() {
        let style = match bytes[i] {
            b'\n' => {
                lf += 1;
                Some(LineEndings::Lf)
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
                Some(LineEndings::Crlf)
            }
            b'\r' => {
                cr += 1;
                Some(LineEndings::Cr)
            }
            _ => None,
        };
        if let Some(style) = style {
            match first_style {
                None => first_style = Some(style),
                Some(first) if first != style && first_change.is_none() => first_change = Some(line),
                _ => {}
            }
            line += 1;
        }
        i += 1;
    }
    let style = match (lf > 0, crlf > 0, cr > 0) {
        (false, false, false) => LineEndings::None,
        (true, false, false) => LineEndings::Lf,
        (false, true, false) => LineEndings::Crlf,
        (false, false, true) => LineEndings::Cr,
        _ => LineEndings::Mixed,
    };
    if crlf == 0 && cr == 0 {
        return (text, style, first_change);
    }
    (text.replace("\r\n", "\n").replace('\r', "\n"), style, first_change)
}

/// Characters XML 1.0 does not allow: C0 controls but tab, LF and CR; U+FFFE and U+FFFF.
pub fn is_illegal_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

fn replace_illegal_xml_chars(text: String, warnings: &mut Vec<Warning>) -> String {
    if !text.chars().any(is_illegal_in_xml) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let (mut line, mut column, mut count) = (1u32, 1u32, 0usize);
    for c in text.chars() {
        if is_illegal_in_xml(c) {
            count += 1;
            if count <= MAX_LISTED {
                warnings.push(
                    Warning::new(
                        WarningCode::IllegalXmlCharacter,
                        format!("U+{:04X} is not allowed in XML; replaced by U+FFFD", c as u32),
                    )
                    .at(line, column),
                );
            }
            out.push('\u{FFFD}');
        } else {
            out.push(c);
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    if count > MAX_LISTED {
        warnings.push(Warning::new(
            WarningCode::IllegalXmlCharacter,
            format!("{} more characters not allowed in XML replaced by U+FFFD", count - MAX_LISTED),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = 1 << 20;

    #[test]
    fn bom_is_stripped_and_crlf_normalized() {
        let d = decode(b"\xEF\xBB\xBF# Title\r\n\r\nText\r\n", false, MAX).unwrap();
        assert!(d.bom);
        assert_eq!(d.text, "# Title\n\nText\n");
        assert_eq!(d.line_endings, LineEndings::Crlf);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn lone_cr_and_mixed_endings() {
        let d = decode(b"a\rb\rc", false, MAX).unwrap();
        assert_eq!((d.text.as_str(), d.line_endings), ("a\nb\nc", LineEndings::Cr));
        let d = decode(b"a\nb\r\nc\rd", false, MAX).unwrap();
        assert_eq!((d.text.as_str(), d.line_endings), ("a\nb\nc\nd", LineEndings::Mixed));
        assert_eq!(d.warnings[0].code, WarningCode::MixedLineEndings);
        assert_eq!(d.warnings[0].line, Some(2), "line 2 is the first to end with CRLF");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = decode(b"# T\n\ncaf\xE9 au lait", false, MAX).unwrap_err();
        match err {
            ReadError::InvalidUtf8 { offset, line, column, ref bytes } => {
                assert_eq!((offset, line, column, bytes.as_str()), (8, 3, 4, "byte E9"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn offset_counts_the_bom() {
        let err = decode(b"\xEF\xBB\xBFab\xFF", false, MAX).unwrap_err();
        assert!(matches!(err, ReadError::InvalidUtf8 { offset: 5, .. }), "{err:?}");
    }

    #[test]
    fn lossy_decoding_replaces_and_warns() {
        let d = decode(b"\x93quoted\x94 text", true, MAX).unwrap();
        assert_eq!(d.text, "\u{FFFD}quoted\u{FFFD} text");
        assert_eq!(d.warnings.len(), 2);
        assert!(d.warnings[1].message.contains("byte offset 7"), "{}", d.warnings[1].message);
    }

    #[test]
    fn truncated_sequence_at_the_end() {
        let err = decode(b"ok \xE2\x82", false, MAX).unwrap_err();
        assert!(matches!(err, ReadError::TruncatedUtf8 { offset: 3, .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("incomplete UTF-8 sequence at the end of the file, byte offset 3"),
            "{err}"
        );
        let err = decode(b"ok \xE2\x82 more", false, MAX).unwrap_err();
        assert!(matches!(err, ReadError::InvalidUtf8 { offset: 3, .. }), "{err:?}");
    }

    #[test]
    fn empty_blank_and_lone_bom_are_errors() {
        assert!(matches!(decode(b"", false, MAX), Err(ReadError::Empty)));
        assert!(matches!(decode(b" \t\n\r\n  ", false, MAX), Err(ReadError::Blank)));
        assert!(matches!(decode(b"\xEF\xBB\xBF", false, MAX), Err(ReadError::OnlyBom)));
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(decode(b"\x89PNG\r\n\x1a\n\0\0", false, MAX), Err(ReadError::Binary { offset: 0, .. })));
        assert!(matches!(decode(b"\x1f\x8b\x08\0", false, MAX), Err(ReadError::Binary { .. })));
        assert!(matches!(decode(b"text\0more", false, MAX), Err(ReadError::Binary { offset: 4, .. })));
    }

    #[test]
    fn size_limit_names_the_limit() {
        let err = decode(b"0123456789", false, 4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file is 10 bytes, over the input size limit of 4 bytes (raise it with --max-input-size)"
        );
    }

    #[test]
    fn illegal_xml_characters_are_replaced_with_their_position() {
        let d = decode("ab\u{1}\ncd\u{B}\u{FFFF}\tok".as_bytes(), false, MAX).unwrap();
        assert_eq!(d.text, "ab\u{FFFD}\ncd\u{FFFD}\u{FFFD}\tok");
        let places: Vec<_> = d.warnings.iter().map(|w| (w.line, w.column)).collect();
        assert_eq!(places, vec![(Some(1), Some(3)), (Some(2), Some(3)), (Some(2), Some(4))]);
        assert!(d.warnings[0].message.contains("U+0001"));
    }
}
