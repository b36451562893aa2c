//! The site's full-text search index, made with Pagefind's indexing API.
//!
//! Each article is one record: its headline and body text, with its page's address, its title,
//! date and place as metadata, and three filters (`language`, `publisher`, `year`). Pagefind
//! writes a chunked index (word buckets, fragments, filter files) and its browser bundle
//! (`pagefind.js`, a WebAssembly search), so a search downloads only the chunks it needs: the site
//! stays fast at 100,000 articles. The browser loads it over HTTP only (a module and
//! WebAssembly), so search needs the site served; browsing does not.
//!
//! All records are indexed as one language (`en`): Pagefind's browser bundle searches the index of
//! the page's language, and the home page is English, so one index for every article lets one
//! search box find all of them. Words are then stemmed the English way; text in scripts with no
//! spaces (Chinese, Japanese) is indexed by runs of characters, not by words.

use super::{Entry, SiteError};
use std::collections::BTreeMap;

/// One file of the index, by path under `pagefind/`.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The one language every record is indexed under.
pub const LANGUAGE: &str = "en";

/// The search index of these articles, sorted by path.
pub(crate) fn index(entries: &[Entry]) -> Result<Vec<IndexFile>, SiteError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| SiteError::Search(format!("cannot start the indexer: {e}")))?;
    let files = runtime.block_on(async {
        let config = pagefind::options::PagefindServiceConfig::builder()
            .force_language(LANGUAGE.to_string())
            .keep_index_url(true)
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for entry in entries {
            let mut meta = BTreeMap::new();
            meta.insert("title".to_string(), entry.headline.clone());
            meta.insert("language".to_string(), entry.language.clone());
            meta.insert("dir".to_string(), super::pages::dir_attr(entry.direction).to_string());
            if let Some(date) = &entry.date {
                meta.insert("date".to_string(), super::pages::date_text(date));
            }
            if let Some(place) = entry.dateline.as_ref().and_then(|d| d.place.clone()) {
                meta.insert("place".to_string(), place);
            }
            let mut filters = BTreeMap::new();
            filters.insert("language".to_string(), vec![entry.language.clone()]);
            if let Some(publisher) = &entry.publisher {
                filters.insert("publisher".to_string(), vec![publisher.clone()]);
            }
            if let Some(year) = entry.date.and_then(|d| d.year()) {
                filters.insert("year".to_string(), vec![format!("{year:04}")]);
            }
            let content = format!("{}\n{}", entry.headline, entry.text);
            index
                .add_custom_record(
                    format!("articles/{}.html", entry.id),
                    content,
                    LANGUAGE.to_string(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| format!("article {}: {e}", entry.id))?;
        }
        index.get_files().await.map_err(|e| e.to_string())
    });
    let files = files.map_err(SiteError::Search)?;
    let mut out: Vec<IndexFile> = files
        .into_iter()
        .filter(|f| is_needed(&f.filename.to_string_lossy()))
        .map(|f| IndexFile { path: f.filename.to_string_lossy().replace('\\', "/"), bytes: f.contents })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Whether a file of Pagefind's output is used by the site: its ready-made search interfaces
/// (`pagefind-ui`, `-modular-ui`, `-component-ui`, `-highlight`) are not, the site has its own.
fn is_needed(name: &str) -> bool {
    !["pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight."]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}
