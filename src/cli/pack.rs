//! `newsarc pack`: many articles into one BagIt bag (folder, zip or tar).

use super::{ContainerArg, Outcome, ReadArgs, Verbosity, jobs, plural};
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use newsarc::model::UriOrigin;
use newsarc::output::{Guard, Kind};
use newsarc::package::bag::{Algorithm, is_tag_text};
use newsarc::package::inputs;
use newsarc::package::pack::{BadInput, BagOutcome, Destination, Format, PackOptions, pack};
use newsarc::write::WRITERS;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Pack articles into a BagIt bag: each article's source and renditions, checksums, an index
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc pack corpus/ -o corpus.zip\n  newsarc pack corpus/ -o corpus.tar --digest sha512\n  newsarc pack corpus/ -o c.zip --bag-info 'Source-Organization=Northwind Radio'\n  newsarc pack corpus/ -o - | tar -tv     # a tar to standard output\n  find corpus -name '*.txt' -print0 | newsarc pack --files-from - -0 -o corpus/\n  newsarc pack corpus/ -o part-3.zip --shard 3/8      # one of 8 independent jobs\n  SOURCE_DATE_EPOCH=0 newsarc pack corpus/ -o corpus.zip  # byte-identical when run again\n\nOutput: an existing OUT is replaced only with --force, and only if it is a bag or a file; never an input or a folder holding one. The same bag again is left unchanged (exit 0). Interrupted (Ctrl-C), nothing partial is left.\n\nExit status: 0 packed, 1 some input was bad or missing (the others were packed) or nothing could be packed (no bag is written), 2 usage or operational error."
)]
pub struct PackArgs {
    /// Article files and folders (walked recursively; hidden files are skipped and reported)
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Also read paths from this file, one per line (`-` for standard input)
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// Paths in --files-from are separated by NUL bytes, as `find -print0` writes them
    #[arg(short = '0', long = "null", requires = "files_from")]
    null: bool,
    /// The bag: a folder, FILE.zip, FILE.tar or FILE.tar.gz; `-` writes a tar to standard output
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Container of the bag [default: by the output's extension]
    #[arg(long, value_enum)]
    format: Option<ContainerArg>,
    /// Renditions to write per article, comma-separated [default: all]
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(WRITERS.iter().map(|w| w.name)))]
    to: Vec<String>,
    /// Manifests besides SHA-256 (RFC 8493 asks tools to support SHA-512 too)
    #[arg(long, value_enum, value_delimiter = ',')]
    digest: Vec<DigestArg>,
    /// A bag-info.txt field, KEY=VALUE (repeatable): Source-Organization, Contact-Name, ...
    #[arg(long = "bag-info", value_name = "KEY=VALUE")]
    bag_info: Vec<String>,
    /// Pack only shard K of N (1-based; by a stable hash of each file's id)
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Bag-Group-Identifier for the bags of one run [default: derived from the input list]
    #[arg(long, value_name = "ID")]
    group_id: Option<String>,
    /// Worker threads [default: all cores]; the bag does not depend on it
    #[arg(short, long)]
    jobs: Option<usize>,
    /// File extensions that make a file in a folder an article, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "txt,html,htm")]
    ext: Vec<String>,
    /// Write a JSON report (bad, skipped, duplicate and renamed inputs, URIs shared) to FILE (`-`: stdout)
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Replace OUT (and the --report file) if it exists and differs: only a bag or a file, never
    /// an input or a folder holding one
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    say: Verbosity,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DigestArg {
    Sha256,
    Sha512,
}

pub fn run(args: PackArgs) -> anyhow::Result<Outcome> {
    if args.read.id.is_some()
        || args.read.headline.is_some()
        || args.read.byline.is_some()
        || args.read.source_url.is_some()
    {
        bail!("--id, --headline, --byline and --source-url name one article; use sidecar files when packing");
    }
    let paths = super::with_files_from(&args.inputs, args.files_from.as_deref(), args.null)?;
    if paths.is_empty() {
        bail!("nothing to pack: give files or folders, or --files-from");
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("`-` is not an input of pack: to read a list of paths from standard input, use `--files-from -`");
    }
    let extensions: Vec<String> = args.ext.iter().map(|e| e.trim_start_matches('.').to_ascii_lowercase()).collect();
    let out = Destination::from_arg(&args.output);
    let format = args.format.map(Format::from);
    Format::for_destination(&out, format)?;
    let mut guard = Guard::new();
    for path in &paths {
        guard.add(path);
    }
    if let Some(report) = args.report.as_deref().filter(|r| r.as_os_str() != "-") {
        if newsarc::output::resolve(report).ok() == newsarc::output::resolve(&args.output).ok() {
            bail!("--report {} is the bag's own path; give the report another name", report.display());
        }
        // Before the work, so a report that cannot be written does not waste it.
        guard.check(report, Kind::File)?;
        let parent = newsarc::output::parent_of(report);
        if !parent.is_dir() {
            bail!("cannot write the report {}: no folder {}", report.display(), parent.display());
        }
    }
    let destination = match &out {
        Destination::Path(p) => Some(p.as_path()),
        Destination::Stdout => None,
    };
    let gathered = inputs::gather(&paths, &extensions, destination);

    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let mut bag_info = Vec::new();
    for field in &args.bag_info {
        let (key, value) =
            field.split_once('=').with_context(|| format!("--bag-info `{field}`: expected KEY=VALUE"))?;
        let reserved = ["Payload-Oxum", "Bagging-Date", "Bag-Software-Agent", "Bag-Group-Identifier", "Bag-Count"];
        if !is_tag_text(key, true)
            || !is_tag_text(value, false)
            || reserved.iter().any(|r| r.eq_ignore_ascii_case(key.trim()))
        {
            bail!(
                "--bag-info `{field}`: a label without `:` and a one-line value; newsarc writes {} itself",
                reserved.join(", ")
            );
        }
        bag_info.push((key.trim().to_string(), value.trim().to_string()));
    }
    let load = args.read.load_options()?;
    let bagging_date = match load.source_date_epoch {
        Some(t) => t.to_string()[..10].to_string(),
        None => jiff::Timestamp::now().strftime("%Y-%m-%d").to_string(),
    };
    let mut algorithms = vec![Algorithm::Sha256];
    algorithms.extend(args.digest.iter().map(|d| match d {
        DigestArg::Sha256 => Algorithm::Sha256,
        DigestArg::Sha512 => Algorithm::Sha512,
    }));
    let options = PackOptions {
        load,
        renditions: if args.to.is_empty() {
            WRITERS.iter().map(|w| w.name).collect()
        } else {
            WRITERS.iter().map(|w| w.name).filter(|n| args.to.iter().any(|t| t == n)).collect()
        },
        format,
        algorithms,
        bagging_date,
        bag_info,
        shard,
        group_id: args.group_id.clone(),
        jobs: jobs(args.jobs),
        force: args.force,
        guard: guard.clone(),
    };

    super::interrupt::install(format!("pack into {out}"));
    let bar = (!args.say.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(gathered.files.len()));
    let mut report = pack(&gathered.files, &gathered.skipped, &out, &options, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
            bar.set_message(rate_and_eta(bar));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let missing: Vec<BadInput> =
        gathered.bad.iter().map(|b| BadInput { path: b.path.clone(), error: b.reason.clone() }).collect();
    report.bad.splice(0..0, missing);

    summarize(&report, gathered.files.len(), args.say);
    if let Some(path) = &args.report {
        let mut json = serde_json::to_vec_pretty(&report)?;
        json.push(b'\n');
        if path.as_os_str() == "-" {
            std::io::Write::write_all(&mut std::io::stdout().lock(), &json)?;
        } else {
            guard.write_file(path, &json, args.force)?;
        }
    }
    let nothing = report.bag == BagOutcome::NotWritten;
    Ok(if report.bad.is_empty() && !nothing { Outcome::Done } else { Outcome::SomeInputsBad })
}

pub(super) fn parse_shard(s: &str) -> anyhow::Result<(usize, usize)> {
    let parsed =
        s.split_once('/').and_then(|(k, n)| Some((k.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
    match parsed {
        Some((k, n)) if n >= 1 && (1..=n).contains(&k) => Ok((k, n)),
        _ => bail!("--shard `{s}`: expected K/N with 1 <= K <= N, such as 3/8"),
    }
}

/// The rate and the time left, once there is enough behind to say (indicatif's own ETA opens
/// with minutes for a job of seconds: the first articles wait for the worker threads to start).
fn rate_and_eta(bar: &indicatif::ProgressBar) -> String {
    eta_message(bar.position(), bar.length().unwrap_or(0), bar.elapsed().as_secs_f64())
}

fn eta_message(done: u64, total: u64, elapsed: f64) -> String {
    if done < 64 || elapsed < 1.0 {
        return "starting".to_string();
    }
    let rate = done as f64 / elapsed;
    let left = (total.saturating_sub(done)) as f64 / rate;
    let eta = if left < 60.0 { format!("{left:.0} s") } else { format!("{:.0} min", left / 60.0) };
    format!("{rate:.0} articles/s, about {eta} left")
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} articles [{bar:30}] {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}

fn summarize(report: &newsarc::package::pack::PackReport, files: usize, say: Verbosity) {
    let quiet = say.quiet;
    for p in &report.partials {
        if p.removed {
            eprintln!("newsarc: removed {}: partial output of an interrupted run (process {} is gone)", p.path, p.pid);
        } else {
            eprintln!("newsarc: note: {} is being written by another newsarc (process {}); left alone", p.path, p.pid);
        }
    }
    for bad in &report.bad {
        eprintln!("newsarc: error: {}: {}", bad.path, bad.error);
    }
    if !quiet {
        for s in &report.skipped {
            eprintln!("newsarc: skipped {}: {}", s.path, s.reason);
        }
        for d in &report.duplicates {
            eprintln!("newsarc: {}: same bytes as article `{}`; packed once", d.path, d.same_as);
        }
        for r in &report.renamed {
            eprintln!("newsarc: {}: packed as `{}` ({})", r.path, r.id, r.reason);
        }
        for u in &report.shared_uris {
            let by = match u.uri_origin {
                UriOrigin::SourceUrl => "the same source URL",
                UriOrigin::Id => "the same id",
                UriOrigin::Path => "the same path below the folders named",
                UriOrigin::Supplied => "the same URI supplied",
                UriOrigin::Guid | UriOrigin::Identifier => "the same identifier in the source",
                UriOrigin::Digest => "the same bytes",
            };
            eprintln!(
                "newsarc: warning: {}: article `{}` has the URI of article `{}` ({by}), {}; both are packed, and an archive keeping one object per URI takes them for one article",
                u.path, u.id, u.same_as, u.uri
            );
        }
    }
    if say.verbose {
        for w in &report.warnings {
            let place = match (w.warning.line, w.warning.column) {
                (Some(l), Some(c)) => format!(":{l}:{c}"),
                (Some(l), None) => format!(":{l}"),
                _ => String::new(),
            };
            eprintln!("newsarc: warning: {}{place}: {} {}", w.path, w.warning.code.as_str(), w.warning.message);
        }
    }
    let considered = files - report.other_shards;
    let mut line = match report.bag {
        BagOutcome::NotWritten => {
            format!(
                "newsarc: no article could be packed (from {}); no bag written to {}",
                plural(considered, "input"),
                report.output
            )
        }
        BagOutcome::Unchanged => format!(
            "newsarc: {} is unchanged: it holds this very bag already ({} from {})",
            report.output,
            plural(report.articles, "article"),
            plural(considered, "input")
        ),
        outcome => format!(
            "newsarc: packed {} from {} into {}{}",
            plural(report.articles, "article"),
            plural(considered, "input"),
            report.output,
            if outcome == BagOutcome::Replaced { " (replaced)" } else { "" }
        ),
    };
    for (n, what) in [
        (report.bad.len(), "bad"),
        (report.duplicates.len(), "duplicate"),
        (report.skipped.len(), "skipped"),
        (report.other_shards, "in other shards"),
        (report.warnings.len(), if report.warnings.len() == 1 { "warning" } else { "warnings" }),
    ] {
        if n > 0 {
            line.push_str(&format!("; {n} {what}"));
        }
    }
    if !report.warnings.is_empty() && !say.verbose {
        line.push_str(" (-v shows them)");
    }
    if !quiet || !report.bad.is_empty() || report.bag == BagOutcome::NotWritten {
        eprintln!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::eta_message;

    #[test]
    fn the_time_left_is_said_only_once_there_is_enough_behind() {
        // The first articles wait for the workers to start: no estimate from them.
        assert_eq!(eta_message(10, 8_000, 0.4), "starting");
        assert_eq!(eta_message(1_000, 8_000, 0.5), "starting");
        // 1,000 articles in 2 s: 500 a second, 7,000 left, 14 s.
        assert_eq!(eta_message(1_000, 8_000, 2.0), "500 articles/s, about 14 s left");
        assert_eq!(eta_message(100, 100_000, 2.0), "50 articles/s, about 33 min left");
    }
}
