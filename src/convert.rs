//! Converting an article into renditions, and putting them on disk safely.
//!
//! [`render`] runs the chosen writers in table order, hashing each rendition so the metadata
//! record can list the others. [`write_atomically`] writes a file beside its destination and
//! renames it into place, so a failure never leaves a half-written file.

use crate::model::Article;
use crate::write::{RenditionInfo, WRITERS, WriteContext, WriteError, Writer};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

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
    let mut context = WriteContext::default();
    let mut out = Vec::new();
    for writer in WRITERS.iter().filter(|w| names.contains(&w.name)) {
        let bytes = (writer.write)(article, &context)?;
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
    Ok(out)
}

fn file_name(writer: &Writer, article: &Article, naming: Naming) -> String {
    match naming {
        Naming::ById => format!("{}{}", article.id, writer.suffix),
        Naming::Package => writer.package_name.to_string(),
    }
}

/// Gives a file the mode of an ordinary new file (0644): temporary files are made private (0600).
pub fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".newsarc-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    make_readable(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
