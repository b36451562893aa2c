//! Converting an article into renditions, and putting them on disk safely.
//!
//! [`render`] runs the chosen writers in table order, hashing each rendition so the metadata
//! record can list the others; [`render_available`] writes what can be written when a writer
//! cannot (NewsML-G2 and EPUB need a timestamp that standard input may lack). Files reach the
//! disk through the output policy in [`crate::output`].

use crate::model::Article;
use crate::write::{RenditionInfo, WRITERS, WriteContext, WriteError, Writer};
use sha2::{Digest, Sha256};

/// One rendition's file name and bytes.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub writer: &'static str,
    pub file: String,
    pub bytes: Vec<u8>,
}

/// How rendition files are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `<id>.ninjs.json` and so on, for a folder of many articles.
    ById,
    /// `article.json` and so on, inside one article's own folder.
    Package,
}

/// Renders `article` with each writer in `names` (in table order, whatever the order of `names`).
pub fn render(article: &Article, names: &[&str], naming: Naming) -> Result<Vec<Rendition>, WriteError> {
    let (out, mut failed) = render_available(article, names, naming);
    match failed.is_empty() {
        true => Ok(out),
        false => Err(failed.remove(0)),
    }
}

/// Renders with each writer in `names` that can write this article; gives the renditions and
/// why the others could not be written. The metadata record lists only the renditions written.
pub fn render_available(article: &Article, names: &[&str], naming: Naming) -> (Vec<Rendition>, Vec<WriteError>) {
    let mut context = WriteContext::default();
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for writer in WRITERS.iter().filter(|w| names.contains(&w.name)) {
        let bytes = match (writer.write)(article, &context) {
            Ok(bytes) => bytes,
            Err(e) => {
                failed.push(e);
                continue;
            }
        };
        let file = file_name(writer, article, naming);
        context.renditions.push(RenditionInfo {
            name: writer.name.to_string(),
            file: file.clone(),
            media_type: writer.media_type.to_string(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        out.push(Rendition { writer: writer.name, file, bytes });
    }
    (out, failed)
}

fn file_name(writer: &Writer, article: &Article, naming: Naming) -> String {
    match naming {
        Naming::ById => format!("{}{}", article.id, writer.suffix),
        Naming::Package => writer.package_name.to_string(),
    }
}
