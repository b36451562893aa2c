//! `newsarc convert`: articles into rendition files.

use super::{Outcome, ReadArgs, Verbosity, inputs, jobs, plural, print_warnings};
use anyhow::{Context, bail};
use clap::Args;
use newsarc::convert::{Naming, Rendition, render_available};
use newsarc::load::{Input, LoadOptions, load_all, sidecar_path};
use newsarc::model::Article;
use newsarc::output::{Guard, OutputError, Written, partial};
use newsarc::write::WRITERS;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// Convert articles into renditions: one file per article and rendition
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc convert story.txt -o out/    # out/story.newsml.xml .epub .ninjs.json .metadata.json\n  newsarc convert a.txt b.txt --to ninjs -o out/\n  cat story.txt | newsarc convert - --to ninjs -o -\n  SOURCE_DATE_EPOCH=0 newsarc convert story.txt --date 2020 -o out/\n  newsarc convert corpus/*.txt --book corpus.epub --book-title 'Corpus 2020'\n  newsarc convert story.newsml.xml --to epub -o out/   # NewsML-G2 and EPUB are read too\n\nOutput: an existing file is replaced only with --force (the same bytes again are no replacement); an input is never written over. Interrupted (Ctrl-C), nothing partial is left.\n\nExit status: 0 done, 1 some input was bad or missing, or a rendition could not be written (the rest was done), 2 usage or operational error (such as an output refused or not writable)."
)]
pub struct ConvertArgs {
    /// Article files; `-` reads standard input
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Renditions to write, comma-separated [default: all]
    #[arg(long, value_delimiter = ',', value_parser = rendition_names())]
    to: Vec<String>,
    /// Output folder (created if missing); `-` writes the one rendition to standard output
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    output: PathBuf,
    #[command(flatten)]
    say: Verbosity,
    /// Worker threads [default: all cores]; files and messages come in input order whatever it is
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Write a JSON summary (each input: its files written, warnings with codes, errors) to FILE
    /// (`-`: standard output)
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Replace existing files that differ (never an input)
    #[arg(long)]
    force: bool,
    /// Write one EPUB with a chapter per article (in sorted input order) instead of files per article
    #[arg(long, value_name = "FILE.epub", conflicts_with_all = ["output", "report"])]
    book: Option<PathBuf>,
    /// The collection book's title
    #[arg(long, value_name = "TITLE", requires = "book", default_value = "News articles")]
    book_title: String,
    /// Keep the inputs' order in the book instead of sorting them by path
    #[arg(long, requires = "book")]
    keep_order: bool,
    #[command(flatten)]
    read: ReadArgs,
}

fn rendition_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(WRITERS.iter().map(|w| w.name))
}

pub fn run(args: ConvertArgs) -> anyhow::Result<Outcome> {
    if let Some(dir) = args.inputs.iter().find(|p| p.is_dir()) {
        bail!(
            "{} is a folder: give its files ({}/*.txt), or pack it into one bag with `newsarc pack {}`",
            dir.display(),
            dir.display().to_string().trim_end_matches('/'),
            dir.display()
        );
    }
    let guard = guard(&args.inputs);
    if args.book.is_some() {
        return book(args, &guard);
    }
    let options = args.read.load_options()?;
    let to: Vec<&str> = if args.to.is_empty() {
        WRITERS.iter().map(|w| w.name).collect()
    } else {
        args.to.iter().map(String::as_str).collect()
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && (to.len() != 1 || args.inputs.len() != 1) {
        bail!("`-o -` writes one rendition of one input to standard output; give one input and one --to");
    }
    if args.read.id.is_some() && args.inputs.len() > 1 {
        bail!("--id names one article; give one input, or use sidecar files for ids");
    }
    if !to_stdout {
        std::fs::create_dir_all(&args.output)
            .with_context(|| format!("cannot create output folder {}", args.output.display()))?;
        sweep(&args.output);
        super::interrupt::install(format!("convert into {}", args.output.display()));
    }

    if let Some(report) = args.report.as_deref().filter(|r| r.as_os_str() != "-") {
        guard.check(report, newsarc::output::Kind::File)?;
    }

    let quiet = args.say.quiet;
    let mut report = ConvertReport::default();
    let (mut bad, mut refused) = (0usize, 0usize);
    let mut ids: HashMap<String, String> = HashMap::new();
    let all = inputs(&args.inputs);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs(args.jobs)).build()?;
    // Read and rendered on all cores a batch at a time; written and reported in input order.
    for batch in all.chunks(64) {
        let prepared: Vec<Result<Vec<Article>, String>> =
            pool.install(|| batch.par_iter().map(|input| prepare(input, &options)).collect());
        for (input, articles) in batch.iter().zip(prepared) {
            let name = input.to_string();
            let articles = match articles {
                Ok(articles) => articles,
                Err(err) => {
                    eprintln!("newsarc: error: {err}");
                    report.inputs.push(InputReport { input: name, errors: vec![err], ..InputReport::default() });
                    bad += 1;
                    continue;
                }
            };
            if to_stdout && articles.len() > 1 {
                bail!("`-o -` writes one rendition of one article; {name} holds {} articles", articles.len());
            }
            // One input may hold several articles (a newsMessage, a collection EPUB): each is written.
            for article in articles {
                let mut entry = InputReport { input: name.clone(), ..InputReport::default() };
                if !quiet {
                    print_warnings(&name, &article);
                }
                entry.id = Some(article.id.clone());
                entry.warnings = article.warnings.clone();
                if let Some(first) = ids.insert(article.id.clone(), name.clone()) {
                    let err = format!(
                        "{name}: id `{}` is already used by {first} in this run; nothing written for it (give it another id in a sidecar file)",
                        article.id
                    );
                    eprintln!("newsarc: error: {err}");
                    entry.errors.push(err);
                    report.inputs.push(entry);
                    bad += 1;
                    continue;
                }
                let (renditions, failed) = render_available(&article, &to, Naming::ById);
                for err in &failed {
                    let err = format!("{name}: {err}; not written");
                    eprintln!("newsarc: error: {err}");
                    entry.errors.push(err);
                }
                bad += usize::from(!failed.is_empty());
                refused += write(&renditions, &args, &guard, to_stdout, &mut entry)?;
                if matches!(input, Input::Stdin) && !to_stdout && !quiet {
                    eprintln!("newsarc: {name}: written as id `{}`", article.id);
                }
                report.inputs.push(entry);
            }
        }
    }
    if let Some(path) = &args.report {
        let mut json = serde_json::to_vec_pretty(&report)?;
        json.push(b'\n');
        if path.as_os_str() == "-" {
            std::io::stdout().lock().write_all(&json)?;
        } else {
            guard.write_file(path, &json, args.force)?;
        }
    }
    if refused > 0 {
        bail!("{} refused (see above); the others were written", plural(refused, "output"));
    }
    if bad > 0 {
        // Counted per input: an input of several articles counts once however many failed.
        let inputs_bad = report
            .inputs
            .iter()
            .filter(|i| !i.errors.is_empty())
            .map(|i| &i.input)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        eprintln!("newsarc: {inputs_bad} of {} inputs could not be converted in full", args.inputs.len());
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}

/// `convert --report`: what happened to each input, in input order.
#[derive(Debug, Default, Serialize)]
struct ConvertReport {
    inputs: Vec<InputReport>,
}

#[derive(Debug, Default, Serialize)]
struct InputReport {
    input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Files written (or found identical, and left as they were).
    files: Vec<FileReport>,
    warnings: Vec<newsarc::model::Warning>,
    errors: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    written: &'static str,
}

/// One input read (on a worker thread): its articles (a newsMessage or a collection EPUB holds
/// several); the error names the input.
fn prepare(input: &Input, options: &LoadOptions) -> Result<Vec<Article>, String> {
    load_all(input, options).map_err(|e| e.to_string())
}

/// Writes one article's renditions; gives how many were refused by the output policy.
fn write(
    renditions: &[Rendition],
    args: &ConvertArgs,
    guard: &Guard,
    to_stdout: bool,
    entry: &mut InputReport,
) -> anyhow::Result<usize> {
    let mut refused = 0;
    for rendition in renditions {
        if to_stdout {
            let mut out = std::io::stdout().lock();
            out.write_all(&rendition.bytes)?;
            out.flush()?;
            continue;
        }
        let path = args.output.join(&rendition.file);
        match guard.write_file(&path, &rendition.bytes, args.force) {
            Ok(written) => {
                let how = match written {
                    Written::Created => "created",
                    Written::Replaced => "replaced",
                    Written::Unchanged => "unchanged",
                };
                if args.say.verbose {
                    eprintln!("newsarc: {} {how}", path.display());
                }
                entry.files.push(FileReport { path: path.display().to_string(), written: how });
            }
            Err(err @ OutputError::Io { .. }) => return Err(err.into()),
            Err(err) => {
                eprintln!("newsarc: error: {err}");
                entry.errors.push(err.to_string());
                refused += 1;
            }
        }
    }
    Ok(refused)
}

/// The inputs of a run and their sidecar files: what no output may replace.
fn guard(paths: &[PathBuf]) -> Guard {
    let mut guard = Guard::new();
    for path in paths.iter().filter(|p| p.as_os_str() != "-") {
        guard.add(path);
        if let Some(sidecar) = sidecar_path(path) {
            guard.add(&sidecar);
        }
    }
    guard
}

/// Partial outputs that earlier runs left in `dir`: removed when their process is gone.
fn sweep(dir: &std::path::Path) {
    for found in partial::sweep(dir) {
        if found.removed {
            eprintln!(
                "newsarc: removed {}: partial output of an interrupted run (process {} is gone)",
                found.path.display(),
                found.pid
            );
        }
    }
}

/// `--book`: every good input as a chapter of one EPUB; bad inputs are named and left out.
fn book(args: ConvertArgs, guard: &Guard) -> anyhow::Result<Outcome> {
    let path = args.book.clone().expect("called with --book");
    if args.to.iter().any(|t| t != "epub") {
        bail!("--book writes one EPUB; --to can only be epub with it");
    }
    let options = args.read.load_options()?;
    // Refused before any reading: the book may be an input, or a folder.
    guard.check(&path, newsarc::output::Kind::File)?;
    let mut inputs = args.inputs.clone();
    if !args.keep_order {
        inputs.sort();
    }
    let mut articles = Vec::new();
    let mut bad = 0usize;
    for input in inputs.iter().map(|p| Input::from_arg(p)) {
        match load_all(&input, &options) {
            Ok(found) => {
                for article in found {
                    if !args.say.quiet {
                        print_warnings(&input.to_string(), &article);
                    }
                    articles.push(article);
                }
            }
            Err(err) => {
                eprintln!("newsarc: error: {err}");
                bad += 1;
            }
        }
    }
    if articles.is_empty() {
        bail!("no input could be read; no book written");
    }
    let bytes = newsarc::write::epub::write_book(&articles, &args.book_title)?;
    sweep(newsarc::output::parent_of(&path));
    super::interrupt::install(format!("convert --book {}", path.display()));
    let written = guard.write_file(&path, &bytes, args.force)?;
    if !args.say.quiet {
        let n = articles.len();
        let how = if written == newsarc::output::Written::Unchanged { "unchanged" } else { "written" };
        eprintln!("newsarc: {} {how}: {}", path.display(), plural(n, "chapter"));
    }
    if bad > 0 {
        eprintln!("newsarc: {bad} of {} inputs could not be read and are not in the book", args.inputs.len());
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}
