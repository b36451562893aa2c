//! `newsarc convert`: articles into rendition files.

use super::{Outcome, ReadArgs, inputs, print_warnings};
use anyhow::{Context, bail};
use clap::Args;
use newsarc::convert::{Naming, render, write_atomically};
use newsarc::load::{Input, load_all};
use newsarc::write::WRITERS;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// Convert articles into renditions: one file per article and rendition
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc convert story.txt -o out/    # out/story.newsml.xml .epub .ninjs.json .metadata.json\n  newsarc convert a.txt b.txt --to ninjs -o out/\n  cat story.txt | newsarc convert - --to ninjs -o -\n  SOURCE_DATE_EPOCH=0 newsarc convert story.txt --date 2020 -o out/\n  newsarc convert corpus/*.txt --book corpus.epub --book-title 'Corpus 2020'\n  newsarc convert story.newsml.xml --to epub -o out/   # NewsML-G2 and EPUB are read too"
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
    /// Print no warnings
    #[arg(short, long)]
    quiet: bool,
    /// Write one EPUB with a chapter per article (in sorted input order) instead of files per article
    #[arg(long, value_name = "FILE.epub", conflicts_with = "output")]
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
    if args.book.is_some() {
        return book(args);
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
    }

    let mut bad = 0usize;
    let mut ids: HashMap<String, String> = HashMap::new();
    for input in inputs(&args.inputs) {
        let name = input.to_string();
        // One input may hold several articles (a newsMessage, a collection EPUB): each is written.
        let articles = match load_all(&input, &options) {
            Ok(articles) => articles,
            Err(err) => {
                eprintln!("newsarc: error: {err}");
                bad += 1;
                continue;
            }
        };
        if to_stdout && articles.len() > 1 {
            bail!("`-o -` writes one rendition of one article; {name} holds {} articles", articles.len());
        }
        for article in articles {
            if !args.quiet {
                print_warnings(&name, &article);
            }
            if let Some(first) = ids.insert(article.id.clone(), name.clone()) {
                eprintln!(
                    "newsarc: error: {name}: id `{}` is already used by {first} in this run; nothing written for it (give it another id in a sidecar file)",
                    article.id
                );
                bad += 1;
                continue;
            }
            let renditions = match render(&article, &to, Naming::ById) {
                Ok(renditions) => renditions,
                Err(err) => {
                    eprintln!("newsarc: error: {name}: {err}; nothing written for it");
                    bad += 1;
                    continue;
                }
            };
            for rendition in renditions {
                if to_stdout {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&rendition.bytes)?;
                    out.flush()?;
                } else {
                    let path = args.output.join(&rendition.file);
                    write_atomically(&path, &rendition.bytes)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
            }
            if matches!(input, Input::Stdin) && !to_stdout && !args.quiet {
                eprintln!("newsarc: {name}: written as id `{}`", article.id);
            }
        }
    }
    if bad > 0 {
        eprintln!("newsarc: {bad} of {} inputs could not be converted", args.inputs.len());
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}

/// `--book`: every good input as a chapter of one EPUB; bad inputs are named and left out.
fn book(args: ConvertArgs) -> anyhow::Result<Outcome> {
    let path = args.book.clone().expect("called with --book");
    if args.to.iter().any(|t| t != "epub") {
        bail!("--book writes one EPUB; --to can only be epub with it");
    }
    let options = args.read.load_options()?;
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
                    if !args.quiet {
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
    write_atomically(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    if !args.quiet {
        eprintln!("newsarc: {} written: {} chapters", path.display(), articles.len());
    }
    if bad > 0 {
        eprintln!("newsarc: {bad} of {} inputs could not be read and are not in the book", args.inputs.len());
        return Ok(Outcome::SomeInputsBad);
    }
    Ok(Outcome::Done)
}
