//! What a correction changed in an article's text, as HTML a reader can follow: two versions'
//! text (one paragraph a line) compared paragraph by paragraph, then word by word within each run
//! of paragraphs that changed ([`similar`]), shown in the new version's paragraphs. Removed words
//! are in `<del>` (struck through), added ones in `<ins>` (underlined), each with words a screen
//! reader says (`[removed: ... (end removed)]`, `[added: ... (end added)]`) in visually hidden
//! text, so nothing rests on colour or on the element's styling alone. Only the paragraphs that
//! changed are shown; each run of unchanged ones is said in one line.

use crate::write::html::escape;
use similar::{Algorithm, ChangeTag, DiffTag, TextDiff};

/// The paragraphs of `new` that differ from `old`, words removed and added marked; `None` when
/// the texts are the same. Paragraphs are the texts' lines; spaces within one are kept as given.
pub fn word_diff_html(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    // Paragraphs first, so an unchanged paragraph is never matched word by word with another;
    // then words, within each run of paragraphs that changed.
    let old_lines: Vec<&str> = old.split('\n').collect();
    let new_lines: Vec<&str> = new.split('\n').collect();
    let lines = TextDiff::configure().algorithm(Algorithm::Patience).diff_slices(&old_lines, &new_lines);
    let mut shown: Vec<(bool, String)> = Vec::new();
    for op in lines.ops() {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        match op.tag() {
            DiffTag::Equal => shown
                .extend(new_lines[new_range].iter().filter(|l| !l.trim().is_empty()).map(|_| (false, String::new()))),
            // A paragraph removed or added whole is shown as one.
            DiffTag::Delete => shown.extend(
                old_lines[old_range].iter().filter(|l| !l.trim().is_empty()).map(|l| (true, change_html(l, ""))),
            ),
            DiffTag::Insert => shown.extend(
                new_lines[new_range].iter().filter(|l| !l.trim().is_empty()).map(|l| (true, change_html("", l))),
            ),
            DiffTag::Replace => shown.extend(words(&old_lines[old_range].join("\n"), &new_lines[new_range].join("\n"))),
        }
    }

    let mut out = String::new();
    let mut unchanged = 0;
    let say_unchanged = |out: &mut String, n: usize| {
        if n > 0 {
            let what = if n == 1 { "1 paragraph".to_string() } else { format!("{n} paragraphs") };
            out.push_str(&format!("<p class=\"unchanged\" lang=\"en\" dir=\"ltr\">({what} unchanged)</p>\n"));
        }
    };
    for (changed, html) in &shown {
        if *changed {
            say_unchanged(&mut out, unchanged);
            unchanged = 0;
            out.push_str(&format!("<p>{html}</p>\n"));
        } else {
            unchanged += 1;
        }
    }
    say_unchanged(&mut out, unchanged);
    Some(out)
}

/// One line (a headline, say) with the words removed and added marked, as inline HTML; `None`
/// when the lines are the same.
pub fn inline_diff_html(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let shown: Vec<String> =
        words(&old.replace('\n', " "), &new.replace('\n', " ")).into_iter().map(|(_, html)| html).collect();
    Some(shown.join(" "))
}

/// A word-level diff of two runs of paragraphs, in the new run's paragraphs: each with whether
/// it changed, and its HTML.
fn words(old: &str, new: &str) -> Vec<(bool, String)> {
    let diff = TextDiff::configure().diff_words(old, new);
    let tokens: Vec<(ChangeTag, &str)> = diff.iter_all_changes().map(|c| (c.tag(), c.value())).collect();
    let mut paragraphs = Paragraphs::default();
    for (i, &(tag, text)) in tokens.iter().enumerate() {
        match tag {
            ChangeTag::Equal => {
                // A space between two changes joins them into one, so a changed phrase is read
                // as one removal and one addition, not word by word.
                let joins = paragraphs.in_change()
                    && !text.contains('\n')
                    && text.trim().is_empty()
                    && tokens.get(i + 1).is_some_and(|(t, _)| *t != ChangeTag::Equal);
                if joins {
                    paragraphs.space_in_change(text);
                } else {
                    paragraphs.flush();
                    for (n, line) in text.split('\n').enumerate() {
                        if n > 0 {
                            paragraphs.end();
                        }
                        paragraphs.push_text(line);
                    }
                }
            }
            // A paragraph break removed: the two paragraphs are one in the new text.
            ChangeTag::Delete => paragraphs.removed.push_str(&text.replace('\n', " ")),
            ChangeTag::Insert => {
                for (n, line) in text.split('\n').enumerate() {
                    if n > 0 {
                        paragraphs.flush();
                        paragraphs.changed = true;
                        paragraphs.end();
                        paragraphs.changed = true;
                    }
                    paragraphs.added.push_str(line);
                }
            }
        }
    }
    paragraphs.flush();
    paragraphs.end();
    paragraphs.done
}

/// Words removed and words added at one place, marked.
fn change_html(removed: &str, added: &str) -> String {
    let mut out = String::new();
    if !removed.is_empty() {
        out.push_str(&format!(
            "<del><span class=\"visually-hidden\" lang=\"en\">[removed: </span>{}<span class=\"visually-hidden\" lang=\"en\"> (end removed)]</span></del>",
            escape(removed)
        ));
    }
    if !removed.is_empty() && !added.is_empty() {
        out.push(' ');
    }
    if !added.is_empty() {
        out.push_str(&format!(
            "<ins><span class=\"visually-hidden\" lang=\"en\">[added: </span>{}<span class=\"visually-hidden\" lang=\"en\"> (end added)]</span></ins>",
            escape(added)
        ));
    }
    out
}

/// The new text's paragraphs as they are built: each with whether it changed.
#[derive(Default)]
struct Paragraphs {
    done: Vec<(bool, String)>,
    current: String,
    changed: bool,
    /// The change being gathered: words removed and added at one place.
    removed: String,
    added: String,
    /// A space the change written last ended with, owed to the text after it.
    space_owed: bool,
}

impl Paragraphs {
    fn in_change(&self) -> bool {
        !self.removed.is_empty() || !self.added.is_empty()
    }

    fn space_in_change(&mut self, space: &str) {
        if !self.removed.is_empty() {
            self.removed.push_str(space);
        }
        if !self.added.is_empty() {
            self.added.push_str(space);
        }
    }

    fn push_text(&mut self, text: &str) {
        if std::mem::take(&mut self.space_owed) && !text.is_empty() && !text.starts_with(char::is_whitespace) {
            self.current.push(' ');
        }
        self.current.push_str(&escape(text));
    }

    /// Writes the change gathered into the paragraph.
    fn flush(&mut self) {
        let removed = std::mem::take(&mut self.removed);
        let added = std::mem::take(&mut self.added);
        let spaced = |s: &str, at_start: bool| {
            if at_start { s.starts_with(char::is_whitespace) } else { s.ends_with(char::is_whitespace) }
        };
        let (before, after) =
            (spaced(&removed, true) || spaced(&added, true), spaced(&removed, false) || spaced(&added, false));
        let (removed, added) = (removed.trim(), added.trim());
        if removed.is_empty() && added.is_empty() {
            return;
        }
        if (before || std::mem::take(&mut self.space_owed)) && !self.current.is_empty() && !self.current.ends_with(' ')
        {
            self.current.push(' ');
        }
        self.current.push_str(&change_html(removed, added));
        self.changed = true;
        self.space_owed = after;
    }

    /// Ends the paragraph (an empty one is dropped).
    fn end(&mut self) {
        let html = std::mem::take(&mut self.current);
        let changed = std::mem::take(&mut self.changed);
        self.space_owed = false;
        if !html.trim().is_empty() {
            self.done.push((changed, html.trim().to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEL: &str = "<del><span class=\"visually-hidden\" lang=\"en\">[removed: </span>";
    const INS: &str = "<ins><span class=\"visually-hidden\" lang=\"en\">[added: </span>";
    const END_DEL: &str = "<span class=\"visually-hidden\" lang=\"en\"> (end removed)]</span></del>";
    const END_INS: &str = "<span class=\"visually-hidden\" lang=\"en\"> (end added)]</span></ins>";

    #[test]
    fn the_same_text_has_no_diff() {
        assert_eq!(word_diff_html("One.\nTwo.", "One.\nTwo."), None);
    }

    #[test]
    fn one_word_replaced_is_removed_and_added_in_its_paragraph() {
        let html = word_diff_html(
            "Headline\nThe ferry sails on Tuesday.\nLast words.",
            "Headline\nThe ferry sails on Wednesday.\nLast words.",
        )
        .unwrap();
        assert_eq!(
            html,
            format!(
                "<p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(1 paragraph unchanged)</p>\n\
                 <p>The ferry sails on {DEL}Tuesday.{END_DEL} {INS}Wednesday.{END_INS}</p>\n\
                 <p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(1 paragraph unchanged)</p>\n"
            )
        );
    }

    #[test]
    fn a_changed_phrase_is_one_removal_and_one_addition() {
        let html = word_diff_html("The red ferry sails today.", "The blue boat sails today.").unwrap();
        assert_eq!(html, format!("<p>The {DEL}red ferry{END_DEL} {INS}blue boat{END_INS} sails today.</p>\n"));
    }

    #[test]
    fn markup_characters_are_escaped() {
        let html = word_diff_html("Ships <returned> & left.\nA & B", "Ships <came> & left.\nA & B &c").unwrap();
        assert_eq!(
            html,
            format!(
                "<p>Ships {DEL}&lt;returned&gt;{END_DEL} {INS}&lt;came&gt;{END_INS} &amp; left.</p>\n\
                 <p>A &amp; B {INS}&amp;c{END_INS}</p>\n"
            )
        );
    }

    #[test]
    fn a_removed_or_added_paragraph_is_shown_whole() {
        let html = word_diff_html("First.\nSecond.\nThird.", "First.\nThird.\nFourth is new.").unwrap();
        assert_eq!(
            html,
            format!(
                "<p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(1 paragraph unchanged)</p>\n<p>{DEL}Second.{END_DEL}</p>\n\
                 <p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(1 paragraph unchanged)</p>\n<p>{INS}Fourth is new.{END_INS}</p>\n"
            )
        );
    }

    #[test]
    fn a_line_is_marked_inline() {
        assert_eq!(inline_diff_html("Harbour reopens", "Harbour reopens"), None);
        assert_eq!(
            inline_diff_html("Harbour <re>opens", "Harbour closes & reopens").unwrap(),
            format!("Harbour {DEL}&lt;re&gt;opens{END_DEL} {INS}closes &amp; reopens{END_INS}")
        );
    }

    #[test]
    fn runs_of_unchanged_paragraphs_are_counted() {
        let old = "A.\nB.\nC.\nD.";
        let new = "A.\nB.\nC.\nD!";
        let html = word_diff_html(old, new).unwrap();
        assert_eq!(
            html,
            format!(
                "<p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(3 paragraphs unchanged)</p>\n<p>{DEL}D.{END_DEL} {INS}D!{END_INS}</p>\n"
            )
        );
    }
}
