//! Command-line definitions (clap) and dispatch; one module per subcommand. Everything here is a
//! thin layer over the library: it turns flags into library options and results into messages.

mod completions;
mod convert;
mod formats;
mod inspect;
mod interrupt;
mod man;
mod merge;
mod ocfl;
mod pack;
mod schema;
mod site;
mod validate;

use clap::{Args, Parser, Subcommand};
use newsarc::load::LoadOptions;
use newsarc::model::{Overrides, PartialDate, Timestamp};
use newsarc::read::{DEFAULT_MAX_INPUT_SIZE, ReadOptions};

/// What a run came to, when it could run at all.
pub enum Outcome {
    Done,
    SomeInputsBad,
}

/// `newsarc --version`: the version and the features built in.
const VERSION: &str = if cfg!(feature = "xsd") {
    concat!(env!("CARGO_PKG_VERSION"), " (features: xsd: XML Schema validation with libxml2)")
} else {
    concat!(env!("CARGO_PKG_VERSION"), " (features: none; built without xsd, so validate --xsd is unavailable)")
};

#[derive(Parser)]
#[command(
    name = "newsarc",
    version = VERSION,
    about = "Convert news article text files into standard renditions (IPTC NewsML-G2, EPUB 3, IPTC ninjs, a metadata record) with SHA-256 checksums, pack them into BagIt bags, and validate them",
    after_help = "Examples:\n  newsarc convert story.txt -o out/\n  newsarc convert corpus/*.txt --to ninjs -o out/\n  cat story.txt | newsarc convert - --to ninjs -o -\n  newsarc inspect story.txt\n  newsarc completions bash > ~/.local/share/bash-completion/completions/newsarc\n\nOutput: an input is never written over; an existing output is replaced only with --force (only a file or a bag); the same output again is left unchanged; an interrupted run leaves nothing partial.\n\nExit status (every subcommand): 0 done, 1 some input was bad, missing or unreadable (the rest was done) or invalid (validate), 2 usage or operational error (an output refused, a destination that cannot be written), 130/143 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Convert(convert::ConvertArgs),
    Inspect(inspect::InspectArgs),
    Pack(pack::PackArgs),
    Merge(merge::MergeArgs),
    Ocfl(ocfl::OcflArgs),
    Formats(formats::FormatsArgs),
    Schema(schema::SchemaArgs),
    Validate(validate::ValidateArgs),
    Site(site::SiteArgs),
    Completions(completions::CompletionsArgs),
    Man(man::ManArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Convert(args) => convert::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Pack(args) => pack::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Ocfl(args) => ocfl::run(args),
        Command::Formats(args) => formats::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Site(args) => site::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// How much is said on stderr: the same two flags on every subcommand.
#[derive(Args, Debug, Clone, Copy)]
struct Verbosity {
    /// Say less: no warnings, no progress, no summary (errors are still said)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: every warning of every article with its code, and each file written
    #[arg(short, long, global = true)]
    verbose: bool,
}

/// A bag's container, as `--format` names it (`pack`, `merge`).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ContainerArg {
    Folder,
    Zip,
    Tar,
    #[value(name = "tar.gz", alias = "tgz")]
    TarGz,
}

impl From<ContainerArg> for newsarc::package::pack::Format {
    fn from(c: ContainerArg) -> Self {
        use newsarc::package::pack::Format;
        match c {
            ContainerArg::Folder => Format::Folder,
            ContainerArg::Zip => Format::Zip,
            ContainerArg::Tar => Format::Tar,
            ContainerArg::TarGz => Format::TarGz,
        }
    }
}

/// `n word` or `n words`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// Worker threads: as given, else all cores.
fn jobs(given: Option<usize>) -> usize {
    given.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

/// How articles are read, and the metadata the text cannot carry (these win over sidecar files).
#[derive(Args, Debug)]
struct ReadArgs {
    /// Input format (see `newsarc formats`); by default the one the bytes call for, whatever the
    /// name (bytes no reader takes, such as an HTML page, are refused)
    #[arg(long, value_name = "FORMAT", help_heading = "Reading")]
    from: Option<String>,
    /// Replace invalid UTF-8 by U+FFFD (with a warning) instead of refusing the file
    #[arg(long, help_heading = "Reading")]
    lossy: bool,
    /// Refuse inputs larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_SIZE, help_heading = "Reading")]
    max_input_size: u64,
    /// Do not read `<name>.meta.json` beside each input
    #[arg(long, help_heading = "Reading")]
    no_sidecar: bool,
    /// Language (BCP 47 tag such as en, es, ar); by default detected from the text
    #[arg(long, value_name = "TAG", help_heading = "Metadata")]
    language: Option<String>,
    /// Publication date, whole or in part: YYYY completes a dateline's month and day
    #[arg(long, value_name = "DATE", help_heading = "Metadata")]
    date: Option<PartialDate>,
    /// Version timestamp, RFC 3339 (default: SOURCE_DATE_EPOCH, else the file's modification time)
    #[arg(long, value_name = "TIMESTAMP", help_heading = "Metadata")]
    created: Option<Timestamp>,
    /// Article id (one input only); by default from the file name. Given, it also names the
    /// article's URI when the input has no identifier of its own
    #[arg(long, help_heading = "Metadata")]
    id: Option<String>,
    /// Headline, replacing the one in the text
    #[arg(long, help_heading = "Metadata")]
    headline: Option<String>,
    /// Byline, replacing the one in the text
    #[arg(long, help_heading = "Metadata")]
    byline: Option<String>,
    /// Publisher, replacing the one in the text
    #[arg(long, help_heading = "Metadata")]
    publisher: Option<String>,
    /// Source URL, replacing the one in the text (without an id, it names the article's URI)
    #[arg(long, value_name = "URL", help_heading = "Metadata")]
    source_url: Option<String>,
}

impl ReadArgs {
    fn load_options(&self) -> anyhow::Result<LoadOptions> {
        let overrides = Overrides {
            schema: None,
            id: self.id.clone(),
            uri: None,
            date: self.date,
            created: self.created,
            language: self.language.clone(),
            headline: self.headline.clone(),
            byline: self.byline.clone(),
            publisher: self.publisher.clone(),
            source_url: self.source_url.clone(),
        };
        overrides.check().map_err(|e| anyhow::anyhow!("invalid option: {e}"))?;
        let format = match &self.from {
            Some(name) => Some(
                newsarc::read::reader(name)
                    .ok_or_else(|| anyhow::anyhow!("unknown input format `{name}` (see `newsarc formats`)"))?
                    .name,
            ),
            None => None,
        };
        Ok(LoadOptions {
            read: ReadOptions {
                source_name: None,
                source_path: None,
                lossy: self.lossy,
                max_input_size: self.max_input_size,
            },
            format,
            overrides,
            no_sidecar: self.no_sidecar,
            source_date_epoch: source_date_epoch()?,
        })
    }
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): seconds since 1970, UTC.
fn source_date_epoch() -> anyhow::Result<Option<Timestamp>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => {
            let t = v.trim().parse::<i64>().ok().and_then(Timestamp::from_unix_seconds);
            t.map(Some).ok_or_else(|| anyhow::anyhow!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds since 1970"))
        }
        _ => Ok(None),
    }
}

/// Prints a reader's warnings for one input, one line each.
fn print_warnings(input: &str, article: &newsarc::model::Article) {
    for w in &article.warnings {
        match (w.line, w.column) {
            (Some(l), Some(c)) => eprintln!("newsarc: warning: {input}:{l}:{c}: {} {}", w.code, w.message),
            _ => eprintln!("newsarc: warning: {input}: {} {}", w.code, w.message),
        }
    }
}

/// The inputs named, then the paths `--files-from` lists (a file, or `-` for standard input; one
/// per line, or separated by NUL bytes with `-0`), as `pack` and `ocfl add` take them.
fn with_files_from(
    inputs: &[std::path::PathBuf],
    files_from: Option<&std::path::Path>,
    nul_separated: bool,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use anyhow::Context;
    let mut paths = inputs.to_vec();
    if let Some(list) = files_from {
        let bytes = if list.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
            bytes
        } else {
            std::fs::read(list).with_context(|| format!("cannot read {}", list.display()))?
        };
        paths.extend(newsarc::package::inputs::parse_list(&bytes, nul_separated));
    }
    Ok(paths)
}
