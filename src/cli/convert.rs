//! `newsarc convert`: articles into rendition files.

use super::{Outcome, ReadArgs, Verbosity, jobs, plural, print_warnings};
use anyhow::{Context, bail};
use clap::Args;
use newsarc::convert::{Naming, Rendition, render_available};
use newsarc::load::{Input, LoadOptions, load_all, sidecar_path};
use newsarc::model::Article;
use newsarc::output::{Guard, OutputError, Written, partial};
use newsarc::package::inputs::{Skipped, gather};
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
    /// Article files and folders (walked recursively as `pack` walks them; hidden files skipped);
    /// `-` reads standard input
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// File extensions that make a file in a folder an article, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "txt,html,htm")]
    ext: Vec<String>,
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
    let to_stdout = args.output.as_os_str() == "-";
    let destination = (!to_stdout && args.book.is_none()).then_some(args.output.as_path());
    let all = expand(&args, destination);
    let guard = guard(&args.inputs, &all.inputs);
    if args.book.is_some() {
        return book(args, &guard, all);
    }
    let options = args.read.load_options()?;
    let to: Vec<&str> = if args.to.is_empty() {
        WRITERS.iter().map(|w| w.name).collect()
    } else {
        args.to.iter().map(String::as_str).collect()
    };
    if to_stdout && (to.len() != 1 || all.inputs.len() != 1) {
        bail!("`-o -` writes one rendition of one input to standard output; give one input and one --to");
    }
    if args.read.id.is_some() && all.inputs.len() > 1 {
        bail!("--id names one article; give one input, or use sidecar files for ids");
    }
    // Before anything is created: a folder holding no article leaves no empty output folder.
    if all.inputs.is_empty() && all.bad.is_empty() {
        bail!(
            "no article files found in {} (articles are *.{} files; see --ext)",
            shown_list(&args.inputs),
            args.ext.join(", *.")
        );
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
    let (mut bad, mut refused) = (all.bad.len(), 0usize);
    for s in &all.skipped {
        if args.say.verbose {
            eprintln!("newsarc: skipped {}: {}", s.path, s.reason);
        }
    }
    for b in &all.bad {
        eprintln!("newsarc: error: {}: {}", b.path, b.reason);
        report.inputs.push(InputReport {
            input: b.path.clone(),
            errors: vec![b.reason.clone()],
            ..InputReport::default()
        });
    }
    let mut ids: HashMap<String, String> = HashMap::new();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs(args.jobs)).build()?;
    // A batch at a time: read and rendered on all cores, ids checked here in input order, the
    // files written on all cores, then reported here in input order.
    for batch in all.inputs.chunks(64) {
        let prepared: Vec<Result<Vec<Converted>, String>> =
            pool.install(|| batch.par_iter().map(|source| prepare(source, &options, &to)).collect());
        let mut entries: Vec<(Option<Converted>, InputReport)> = Vec::new();
        for (source, converted) in batch.iter().zip(prepared) {
            let name = source.input.to_string();
            let converted = match converted {
                Ok(converted) => converted,
                Err(err) => {
                    entries.push((None, InputReport { input: name, errors: vec![err], ..InputReport::default() }));
                    continue;
                }
            };
            if to_stdout && converted.len() > 1 {
                bail!("`-o -` writes one rendition of one article; {name} holds {} articles", converted.len());
            }
            // One input may hold several articles (a newsMessage, a collection EPUB): each is written.
            for mut item in converted {
                let mut entry = InputReport { input: name.clone(), ..InputReport::default() };
                entry.id = Some(item.article.id.clone());
                entry.warnings = item.article.warnings.clone();
                if let Some(first) = ids.insert(item.article.id.clone(), name.clone()) {
                    entry.errors.push(format!(
                        "{name}: id `{}` is already used by {first} in this run; nothing written for it (give it another id in a sidecar file)",
                        item.article.id
                    ));
                    item.renditions.clear();
                }
                entries.push((Some(item), entry));
            }
        }
        let files: Vec<(PathBuf, &[u8])> = if to_stdout {
            Vec::new()
        } else {
            let renditions = entries.iter().filter_map(|(item, _)| item.as_ref()).flat_map(|i| &i.renditions);
            renditions.map(|r| (args.output.join(&r.file), &r.bytes[..])).collect()
        };
        let mut written = pool.install(|| guard.write_files(&files, args.force)).into_iter();
        drop(files);
        for (item, mut entry) in entries {
            let results: Vec<_> = match &item {
                Some(item) if !to_stdout => written.by_ref().take(item.renditions.len()).collect(),
                _ => Vec::new(),
            };
            let Some(item) = item else {
                eprintln!("newsarc: error: {}", entry.errors[0]);
                bad += 1;
                report.inputs.push(entry);
                continue;
            };
            let name = entry.input.clone();
            if !quiet {
                print_warnings(&name, &item.article);
            }
            for err in &entry.errors {
                eprintln!("newsarc: error: {err}");
            }
            for err in &item.failed {
                let err = format!("{name}: {err}; not written");
                eprintln!("newsarc: error: {err}");
                entry.errors.push(err);
            }
            bad += usize::from(!entry.errors.is_empty());
            if to_stdout {
                let mut out = std::io::stdout().lock();
                for rendition in &item.renditions {
                    out.write_all(&rendition.bytes)?;
                    out.flush()?;
                }
            }
            for (rendition, result) in item.renditions.iter().zip(results) {
                let path = args.output.join(&rendition.file);
                match result {
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
            if item.from_stdin && !to_stdout && !quiet && !item.renditions.is_empty() {
                eprintln!("newsarc: {name}: written as id `{}`", item.article.id);
            }
            report.inputs.push(entry);
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
        eprintln!(
            "newsarc: {inputs_bad} of {} inputs could not be converted in full",
            all.inputs.len() + all.bad.len()
        );
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}

/// The inputs of a run: files and standard input as given, folders walked as `pack` walks them.
struct Expanded {
    inputs: Vec<Source>,
    skipped: Vec<Skipped>,
    /// Folders (or parts of them) that could not be read.
    bad: Vec<Skipped>,
}

fn expand(args: &ConvertArgs, destination: Option<&std::path::Path>) -> Expanded {
    let mut all = Expanded { inputs: Vec::new(), skipped: Vec::new(), bad: Vec::new() };
    let extensions: Vec<String> = args.ext.iter().map(|e| e.trim_start_matches('.').to_ascii_lowercase()).collect();
    for arg in &args.inputs {
        if arg.is_dir() {
            let found = gather(std::slice::from_ref(arg), &extensions, destination);
            all.inputs.extend(
                found.files.into_iter().map(|f| Source { input: Input::Path(f.path), path: Some(f.source_path) }),
            );
            all.skipped.extend(found.skipped);
            all.bad.extend(found.bad);
        } else {
            all.inputs.push(Source { input: Input::from_arg(arg), path: None });
        }
    }
    all
}

/// One input, and its path below the folder named when it was found in one (what its URI
/// derives from when nothing names the article; a file named alone: its file name).
struct Source {
    input: Input,
    path: Option<String>,
}

impl Source {
    /// The load options for this input.
    fn options(&self, options: &LoadOptions) -> LoadOptions {
        let mut options = options.clone();
        options.read.source_path = self.path.clone();
        options
    }
}

fn shown_list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
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

/// One article of an input, rendered on a worker thread.
struct Converted {
    article: Article,
    renditions: Vec<Rendition>,
    /// Why the other renditions asked for could not be written.
    failed: Vec<newsarc::write::WriteError>,
    from_stdin: bool,
}

/// One input read and rendered (on a worker thread): its articles (a newsMessage or a collection
/// EPUB holds several); the error names the input.
fn prepare(source: &Source, options: &LoadOptions, to: &[&str]) -> Result<Vec<Converted>, String> {
    let input = &source.input;
    let articles = load_all(input, &source.options(options)).map_err(|e| e.to_string())?;
    Ok(articles
        .into_iter()
        .map(|article| {
            let (renditions, failed) = render_available(&article, to, Naming::ById);
            Converted { article, renditions, failed, from_stdin: matches!(input, Input::Stdin) }
        })
        .collect())
}

/// The inputs of a run (as given, and the files found in folders) and their sidecar files:
/// what no output may replace.
fn guard(args: &[PathBuf], found: &[Source]) -> Guard {
    let mut guard = Guard::new();
    let files = found.iter().filter_map(|s| match &s.input {
        Input::Path(p) => Some(p),
        Input::Stdin => None,
    });
    for path in args.iter().filter(|p| p.as_os_str() != "-").chain(files) {
        guard.add(path);
        if let Some(sidecar) = sidecar_path(path) {
            guard.add(&sidecar);
        }
    }
    guard
}

/// The order of a book's chapters: by path, bytewise (standard input first).
fn input_key(input: &Input) -> &[u8] {
    match input {
        Input::Path(p) => p.as_os_str().as_encoded_bytes(),
        Input::Stdin => b"",
    }
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
fn book(args: ConvertArgs, guard: &Guard, all: Expanded) -> anyhow::Result<Outcome> {
    let path = args.book.clone().expect("called with --book");
    if args.to.iter().any(|t| t != "epub") {
        bail!("--book writes one EPUB; --to can only be epub with it");
    }
    let options = args.read.load_options()?;
    // Refused before any reading: the book may be an input, or a folder.
    guard.check(&path, newsarc::output::Kind::File)?;
    let mut inputs = all.inputs;
    if !args.keep_order {
        inputs.sort_by(|a, b| input_key(&a.input).cmp(input_key(&b.input)));
    }
    let mut articles = Vec::new();
    let mut bad = all.bad.len();
    for b in &all.bad {
        eprintln!("newsarc: error: {}: {}", b.path, b.reason);
    }
    let count = inputs.len() + all.bad.len();
    for source in inputs {
        let input = &source.input;
        match load_all(input, &source.options(&options)) {
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
        eprintln!("newsarc: {bad} of {count} inputs could not be read and are not in the book");
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}
