//! `newsarc merge`: the shard bags of one `pack --shard K/N` run into one bag.

use super::{ContainerArg, Outcome, Verbosity};
use anyhow::bail;
use clap::Args;
use newsarc::output::Guard;
use newsarc::package::merge::{MergeError, MergeOptions, merge};
use newsarc::package::pack::{BagOutcome, Destination, Format};
use std::path::PathBuf;

/// Merge the shard bags of one `pack --shard K/N` run into one bag, verifying every checksum
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc merge parts/part-*.zip -o corpus.zip\n  newsarc merge parts/ -o corpus.tar.gz              # every bag in the folder\n  SOURCE_DATE_EPOCH=0 newsarc merge parts/ -o corpus.zip   # the bag one `pack` of the corpus writes\n\nThe bags must form one complete group (see `validate --group`): one Bag-Group-Identifier, each Bag-Count K of N once, no article id in two bags, every bag intact. Otherwise nothing is written. Same bytes in two shards are packed once, as `pack` does.\n\nOutput: as for pack: an existing OUT is replaced only with --force; the same bag again is left unchanged; interrupted, nothing partial is left.\n\nExit status: 0 merged, 1 the bags are not one complete, intact group (nothing written), 2 usage or operational error."
)]
pub struct MergeArgs {
    /// The shard bags (folders, .zip, .tar, .tar.gz), or folders holding them
    #[arg(required = true, value_name = "BAG")]
    bags: Vec<PathBuf>,
    /// The merged bag: a folder, FILE.zip, FILE.tar or FILE.tar.gz; `-` writes a tar to standard output
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Container of the bag [default: by the output's extension]
    #[arg(long, value_enum)]
    format: Option<ContainerArg>,
    /// Replace OUT if it exists and differs: only a bag or a file, never an input
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    say: Verbosity,
}

pub fn run(args: MergeArgs) -> anyhow::Result<Outcome> {
    let out = Destination::from_arg(&args.output);
    let format = args.format.map(Format::from);
    let mut bags = bags_in(&args.bags)?;
    if let Destination::Path(path) = &out {
        // A merged bag written into the folder of shards is no shard: a second run leaves it out
        // of that folder's listing. A bag named on the command line stays, and is guarded.
        let target = newsarc::output::resolve(path).ok();
        bags.retain(|b| args.bags.contains(b) || newsarc::output::resolve(b).ok() != target);
    }
    if bags.is_empty() {
        bail!("no bag to merge");
    }
    let bagging_date = match super::source_date_epoch()? {
        Some(t) => t.to_string()[..10].to_string(),
        None => jiff::Timestamp::now().strftime("%Y-%m-%d").to_string(),
    };
    let options = MergeOptions { format, bagging_date, force: args.force, guard: Guard::new() };
    super::interrupt::install(format!("merge into {out}"));
    let report = match merge(&bags, &out, &options) {
        Ok(report) => report,
        Err(MergeError::Refused { summary, findings }) => {
            for f in &findings {
                eprintln!("newsarc: {f}");
            }
            eprintln!("newsarc: refusing to merge: {summary}; nothing written");
            return Ok(Outcome::SomeInputsBad);
        }
        Err(e) => return Err(e.into()),
    };
    if !args.say.quiet {
        for w in &report.warnings {
            eprintln!("newsarc: {w}");
        }
        let line = match report.bag {
            BagOutcome::NotWritten => format!("newsarc: the {} bags hold no article; no bag written", report.bags),
            BagOutcome::Unchanged => format!("newsarc: {} is unchanged: it holds this very bag already", report.output),
            outcome => format!(
                "newsarc: merged {} bags ({} articles{}) into {}{}",
                report.bags,
                report.articles,
                if report.duplicates > 0 {
                    format!(", {} same bytes in two shards packed once", report.duplicates)
                } else {
                    String::new()
                },
                report.output,
                if outcome == BagOutcome::Replaced { " (replaced)" } else { "" }
            ),
        };
        eprintln!("{line}");
    }
    Ok(Outcome::Done)
}

/// Each path that is a bag, and the bags in each folder that is not one, sorted by name.
pub(super) fn bags_in(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut bags = Vec::new();
    for path in paths {
        if !path.is_dir() || path.join("bagit.txt").is_file() {
            bags.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {}", path.display(), newsarc::output::io_reason(&e)))?;
        let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| is_bag(p)).collect();
        found.sort();
        if found.is_empty() {
            bail!(
                "{}: a folder that is neither a bag nor holds any (folders with bagit.txt, .zip, .tar, .tar.gz)",
                path.display()
            );
        }
        bags.extend(found);
    }
    Ok(bags)
}

/// A bag in a folder of bags: a folder with bagit.txt, or a .zip, .tar, .tar.gz or .tgz file.
fn is_bag(p: &std::path::Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    !name.starts_with('.')
        && if p.is_dir() {
            p.join("bagit.txt").is_file()
        } else {
            [".zip", ".tar", ".tar.gz", ".tgz"].iter().any(|e| name.ends_with(e))
        }
}
