//! `newsarc site`: a bag or an OCFL storage root as a static website, browsable offline and
//! searchable; from a root, each article's page lists its versions and what each corrected.

use super::{Outcome, Verbosity, jobs, plural};
use clap::Args;
use newsarc::site::{SiteOptions, SiteOutcome, build};
use std::path::PathBuf;

/// Write a static, searchable catalogue of a bag or an OCFL storage root: a home page, one page per
/// article (from a root, with its versions and corrections), a search index
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc site corpus.zip -o site/\n  newsarc site corpus/ -o site/ --force      # replace a site written before\n  newsarc site archive/ -o site/             # an OCFL storage root: corrections shown\n  cd site && python3 -m http.server           # search needs HTTP; browsing works from disk\n\nThe folder works from any static host (copy it as it is). Search uses Pagefind's index in site/pagefind/.\n\nFrom a storage root, each article page lists its versions newest first: when each was made, its message, and the words its text lost (struck through) and gained (underlined); a version that only rendered the same source again says so. The root is only read.\n\nOutput: DIR is written whole or not at all (never inside the input); an existing DIR is replaced only with --force and only if it is a site newsarc wrote (it holds .newsarc-site); the same site again is left unchanged.\n\nExit status: 0 written, 1 written but some article could not be shown whole, 2 could not run."
)]
pub struct SiteArgs {
    /// A bag (a folder, .zip, .tar or .tar.gz written by `newsarc pack`) or an OCFL storage root
    /// (`newsarc ocfl add`)
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The site's folder
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Replace DIR if it is a site newsarc wrote and differs
    #[arg(long)]
    force: bool,
    /// Worker threads [default: all cores]; the site does not depend on it
    #[arg(short, long)]
    jobs: Option<usize>,
    #[command(flatten)]
    say: Verbosity,
}

pub fn run(args: SiteArgs) -> anyhow::Result<Outcome> {
    let options = SiteOptions { force: args.force, jobs: jobs(args.jobs) };
    super::interrupt::install(format!("site into {}", args.output.display()));
    let report = build(&args.input, &args.output, &options)?;
    if !args.say.quiet {
        for w in &report.warnings {
            eprintln!("newsarc: warning: {w}");
        }
        let out = args.output.display();
        let line = match report.outcome {
            SiteOutcome::Unchanged => format!("newsarc: {out} already holds this site; left unchanged"),
            SiteOutcome::Created | SiteOutcome::Replaced => format!(
                "newsarc: {} {out}: {} ({}, {} bytes)",
                if report.outcome == SiteOutcome::Replaced { "replaced" } else { "wrote" },
                plural(report.articles, "article page"),
                plural(report.files, "file"),
                report.bytes
            ),
        };
        eprintln!("{line}");
        if args.say.verbose {
            for (what, took) in &report.timings {
                eprintln!("newsarc: {what}: {:.2} s", took.as_secs_f64());
            }
        }
    }
    Ok(if report.skipped > 0 { Outcome::SomeInputsBad } else { Outcome::Done })
}
