//! `newsarc ocfl`: a living archive in an OCFL storage root: `add` articles (corrections become
//! versions), read an object's history (`log`, `show`, `diff`), `export` versions as a bag.

use super::{ContainerArg, Outcome, ReadArgs, Verbosity, jobs, plural};
use anyhow::bail;
use clap::{Args, Subcommand, ValueEnum};
use newsarc::ocfl::add::{AddInput, AddOptions, BagSource, add};
use newsarc::ocfl::export::{ExportOptions, Selection, export};
use newsarc::ocfl::history;
use newsarc::ocfl::inventory::User;
use newsarc::ocfl::root::Root;
use newsarc::output::Guard;
use newsarc::package::bag::Algorithm;
use newsarc::package::inputs;
use newsarc::package::pack::{BagOutcome, Destination, Format};
use newsarc::write::WRITERS;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Keep articles in an OCFL 1.1 storage root: one versioned object per article
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc ocfl add --root archive/ corpus/                 # creates the root; one object per article\n  newsarc ocfl add --root archive/ corrections/ --message 'Corrections of 4 December'\n  newsarc ocfl log --root archive/ urn:uuid:...            # the versions of an article\n  newsarc ocfl diff --root archive/ urn:uuid:... v1 v2      # what a correction changed\n  newsarc ocfl export --root archive/ urn:uuid:... --version v1 -o v1.zip\n  newsarc validate archive/                                 # the root and every object, by the OCFL spec"
)]
pub struct OcflArgs {
    #[command(subcommand)]
    command: OcflCommand,
}

#[derive(Subcommand, Debug)]
enum OcflCommand {
    Add(Box<AddArgs>),
    Log(LogArgs),
    Show(ShowArgs),
    Diff(DiffArgs),
    Export(ExportArgs),
}

/// Add articles: a new article is a new object (v1), a changed one a new version of its object
/// that stores only new bytes; an unchanged one changes nothing
#[derive(Args, Debug)]
#[command(
    after_help = "An article's object id is its URI (the one its renditions carry): from its guid or identifier, a sidecar `id` or `uri`, its source URL, else its path below the folder given.\n\nSafety: the root is valid at every moment; a version is staged in the root's extensions/newsarc-staging and put in place whole; an interrupted or killed run leaves at most that folder, which the next add removes. Two adds may run on one root at once. A damaged object is never written into.\n\nExit status: 0 added, 1 some input was bad (the rest was added), 2 could not run (a root that is not one newsarc can write into, a damaged object)."
)]
struct AddArgs {
    /// The storage root (created when it does not exist)
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    /// Article files, folders (walked as `pack` walks them), or `-` for one article on standard input
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Also read paths from this file, one per line (`-` for standard input)
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// Paths in --files-from are separated by NUL bytes
    #[arg(short = '0', long = "null", requires = "files_from")]
    null: bool,
    /// File extensions that make a file in a folder an article, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "txt,html,htm")]
    ext: Vec<String>,
    /// Renditions to keep per article, comma-separated [default: all]
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(WRITERS.iter().map(|w| w.name)))]
    to: Vec<String>,
    /// Each new version's message [default: what changed, and from which input]
    #[arg(long, short)]
    message: Option<String>,
    /// The person or agent adding [default: the login name]
    #[arg(long, value_name = "NAME")]
    user_name: Option<String>,
    /// Their address, a URI [default: mailto:LOGIN@HOST]
    #[arg(long, value_name = "URI")]
    user_address: Option<String>,
    /// Add only shard K of N of the inputs (1-based; by a stable hash of each file's name, as
    /// `pack --shard`): N jobs, one per shard, may add to one root at once
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Worker threads [default: all cores]; the root does not depend on it
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Write a JSON report (versions written, bad and skipped inputs) to FILE (`-`: stdout)
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Replace the --report file if it exists and differs (never an input)
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    say: Verbosity,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Shown {
    Text,
    Json,
}

/// The versions of an object: when each was made, by whom, its message and what changed
#[derive(Args, Debug)]
struct LogArgs {
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    /// The object's id (the article's URI)
    id: String,
    #[arg(long, value_enum, default_value = "text")]
    format: Shown,
}

/// The files of a version of an object
#[derive(Args, Debug)]
struct ShowArgs {
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    id: String,
    /// The version (`v2` or `2`) [default: the head]
    #[arg(long, value_name = "vN")]
    version: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Shown,
}

/// What changed between two versions of an object: files, and the source's lines
#[derive(Args, Debug)]
struct DiffArgs {
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    id: String,
    from: String,
    to: String,
    #[arg(long, value_enum, default_value = "text")]
    format: Shown,
}

/// Export versions of objects as one BagIt bag (folder, .zip, .tar, .tar.gz or `-`)
#[derive(Args, Debug)]
#[command(
    after_help = "Output: as `pack`: written whole or not at all; an existing OUT is replaced only with --force, and only if it is a bag or a file."
)]
struct ExportArgs {
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    /// Objects' ids (each at its head, or at --version when there is one id)
    #[arg(value_name = "ID", required_unless_present = "all")]
    ids: Vec<String>,
    /// Every object of the root, each at its head
    #[arg(long, conflicts_with_all = ["ids", "version"])]
    all: bool,
    /// The version to export (one id only) [default: the head]
    #[arg(long, value_name = "vN")]
    version: Option<String>,
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[arg(long, value_enum)]
    format: Option<ContainerArg>,
    /// Replace OUT if it exists and differs (only a bag or a file)
    #[arg(long)]
    force: bool,
}

pub fn run(args: OcflArgs) -> anyhow::Result<Outcome> {
    match args.command {
        OcflCommand::Add(args) => run_add(*args),
        OcflCommand::Log(args) => run_log(args),
        OcflCommand::Show(args) => run_show(args),
        OcflCommand::Diff(args) => run_diff(args),
        OcflCommand::Export(args) => run_export(args),
    }
}

/// The login name, and an address for it on this machine.
fn default_user() -> User {
    let name = ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "newsarc".to_string());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    let local: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
    let local = if local.is_empty() { "newsarc".to_string() } else { local };
    User { name, address: Some(format!("mailto:{local}@{host}")) }
}

fn run_add(args: AddArgs) -> anyhow::Result<Outcome> {
    if args.read.id.is_some() && args.inputs.len() + usize::from(args.files_from.is_some()) > 1 {
        bail!("--id names one article; use sidecar files for many");
    }
    let paths = super::with_files_from(&args.inputs, args.files_from.as_deref(), args.null)?;
    if paths.is_empty() {
        bail!("nothing to add: give files or folders, `-`, or --files-from");
    }
    let stdin = paths.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin > 0 && args.files_from.as_ref().is_some_and(|f| f.as_os_str() == "-") {
        bail!("standard input cannot be both an article and the --files-from list");
    }
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    // newsarc bags are added as they are: their articles, not their files.
    let is_bag = |p: &PathBuf| {
        p.join("bagit.txt").is_file()
            || newsarc::validate::package::is_tar_gz(p)
            || p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip") || e.eq_ignore_ascii_case("tar"))
    };
    let (bags, files): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(is_bag);
    let extensions: Vec<String> = args.ext.iter().map(|e| e.trim_start_matches('.').to_ascii_lowercase()).collect();
    let mut gathered = inputs::gather(&files, &extensions, Some(&args.root));
    if let Some(shard) = args.shard.as_deref() {
        let (k, n) = super::pack::parse_shard(shard)?;
        if !bags.is_empty() || stdin > 0 {
            bail!("--shard divides files and folders; bags and standard input are added whole");
        }
        gathered.files.retain(|f| newsarc::package::pack::shard_of(f, n) == k - 1);
    }
    let mut to_add: Vec<AddInput> = Vec::new();
    for bag in &bags {
        match BagSource::open(bag) {
            Ok(source) => to_add.extend(BagSource::inputs(std::sync::Arc::new(source))),
            Err(reason) => gathered.bad.push(inputs::Skipped { path: bag.display().to_string(), reason }),
        }
    }
    to_add.extend(gathered.files.into_iter().map(AddInput::File));
    if stdin > 0 {
        to_add.push(AddInput::Stdin);
    }
    let load = args.read.load_options()?;
    let user = match (&args.user_name, &args.user_address) {
        (None, None) => default_user(),
        (Some(name), address) => User { name: name.clone(), address: address.clone() },
        (None, Some(address)) => User { name: default_user().name, address: Some(address.clone()) },
    };
    if let Some(address) = &user.address
        && !newsarc::model::is_uri(address)
    {
        bail!("--user-address `{address}` is not a URI (such as mailto:jane@example.org or https://orcid.org/...)");
    }
    let created = load.source_date_epoch.map(|t| t.to_string());
    let options = AddOptions {
        load,
        renditions: if args.to.is_empty() {
            WRITERS.iter().map(|w| w.name).collect()
        } else {
            WRITERS.iter().map(|w| w.name).filter(|n| args.to.iter().any(|t| t == n)).collect()
        },
        message: args.message.clone(),
        user,
        created,
    };
    let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs(args.jobs)).build_global();
    super::interrupt::install(format!("ocfl add to {}", args.root.display()));
    let bar = (!args.say.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(to_add.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} articles [{bar:30}] {per_sec}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let mut report = add(&args.root, &to_add, &gathered.skipped, &options, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let missing: Vec<_> = gathered
        .bad
        .iter()
        .map(|b| newsarc::package::pack::BadInput { path: b.path.clone(), error: b.reason.clone() })
        .collect();
    report.bad.splice(0..0, missing);
    for path in &report.removed_staging {
        eprintln!("newsarc: removed {path}: left by an interrupted add (its process is gone)");
    }
    for bad in &report.bad {
        eprintln!("newsarc: error: {}: {}", bad.path, bad.error);
    }
    if !args.say.quiet {
        for s in &report.skipped {
            eprintln!("newsarc: skipped {}: {}", s.path, s.reason);
        }
    }
    if args.say.verbose {
        for v in &report.versions {
            eprintln!(
                "newsarc: {}: {} {} ({} stored, {} kept from earlier versions)",
                v.input,
                v.id,
                v.version,
                plural(v.stored, "file"),
                v.reused
            );
        }
        for w in &report.warnings {
            eprintln!("newsarc: warning: {}: {} {}", w.path, w.warning.code.as_str(), w.warning.message);
        }
    }
    let by_path = report.warnings.iter().filter(|w| w.warning.code.as_str() == "NA-READ-016").count();
    if by_path > 0 && !args.say.quiet && !args.say.verbose {
        eprintln!(
            "newsarc: note: {} named by the path below the folder given (NA-READ-016): its correction must come from the same path, unless it gets a sidecar `id` or `uri`, or a source URL (-v lists them)",
            plural(by_path, "article is")
        );
    }
    let new_objects = report.versions.iter().filter(|v| v.version == "v1").count();
    let updated = report.versions.len() - new_objects;
    if !args.say.quiet || !report.bad.is_empty() {
        let mut line = format!(
            "newsarc: {}{}: {}, {} of existing objects, {} unchanged",
            report.root,
            if report.created_root { " (created)" } else { "" },
            plural(new_objects, "new object"),
            plural(updated, "new version"),
            report.unchanged
        );
        if !report.bad.is_empty() {
            line.push_str(&format!("; {} bad", report.bad.len()));
        }
        eprintln!("{line}");
    }
    if let Some(path) = &args.report {
        let mut json = serde_json::to_vec_pretty(&report)?;
        json.push(b'\n');
        if path.as_os_str() == "-" {
            std::io::Write::write_all(&mut std::io::stdout().lock(), &json)?;
        } else {
            newsarc::ocfl::refuse_inside_root(path)?;
            let mut guard = Guard::new();
            for p in files.iter().chain(&bags) {
                guard.add(p);
            }
            guard.write_file(path, &json, args.force)?;
        }
    }
    Ok(if report.bad.is_empty() { Outcome::Done } else { Outcome::SomeInputsBad })
}

fn object(root: &std::path::Path, id: &str) -> anyhow::Result<newsarc::ocfl::root::Object> {
    let root_opened = Root::open(root)?;
    root_opened.object(id)?.ok_or_else(|| {
        anyhow::anyhow!(newsarc::ocfl::OcflError::NoObject { id: id.to_string(), root: root.display().to_string() })
    })
}

fn run_log(args: LogArgs) -> anyhow::Result<Outcome> {
    let object = object(&args.root, &args.id)?;
    let entries = history::log(&object);
    let mut out = String::new();
    match args.format {
        Shown::Json => {
            out = serde_json::to_string_pretty(&serde_json::json!({ "id": object.inventory.id, "versions": entries }))?;
            out.push('\n');
        }
        Shown::Text => {
            for e in &entries {
                let who = match (&e.user, &e.address) {
                    (Some(u), Some(a)) => format!("  {u} <{a}>"),
                    (Some(u), None) => format!("  {u}"),
                    _ => String::new(),
                };
                out.push_str(&format!("{}  {}{who}\n", e.version, e.created));
                if let Some(m) = &e.message {
                    out.push_str(&format!("    {m}\n"));
                }
                for (what, paths) in
                    [("added", &e.changes.added), ("changed", &e.changes.changed), ("removed", &e.changes.removed)]
                {
                    if !paths.is_empty() && e.version != "v1" {
                        out.push_str(&format!("    {what}: {}\n", paths.join(", ")));
                    }
                }
            }
        }
    }
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(Outcome::Done)
}

fn run_show(args: ShowArgs) -> anyhow::Result<Outcome> {
    let object = object(&args.root, &args.id)?;
    let version = history::version_of(&object.inventory, args.version.as_deref())?;
    let files = history::show(&object, version);
    let out = match args.format {
        Shown::Json => {
            let mut s = serde_json::to_string_pretty(
                &serde_json::json!({ "id": object.inventory.id, "version": version.to_string(), "files": files }),
            )?;
            s.push('\n');
            s
        }
        Shown::Text => files
            .iter()
            .map(|f| format!("{}  {}  (stored in {})\n", f.path, f.digest.get(..16).unwrap_or(&f.digest), f.stored_in))
            .collect(),
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(Outcome::Done)
}

fn run_diff(args: DiffArgs) -> anyhow::Result<Outcome> {
    let object = object(&args.root, &args.id)?;
    let a = history::version_of(&object.inventory, Some(&args.from))?;
    let b = history::version_of(&object.inventory, Some(&args.to))?;
    let changes = history::diff(&object, a, b);
    let source = history::source_diff(&object, a, b)?;
    let out = match args.format {
        Shown::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "id": object.inventory.id, "from": a.to_string(), "to": b.to_string(),
                "changes": changes, "source_diff": source,
            }))?;
            s.push('\n');
            s
        }
        Shown::Text => {
            let mut s = String::new();
            if changes.is_empty() {
                s.push_str(&format!("{a} and {b} hold the same files\n"));
            }
            for (what, paths) in
                [("added", &changes.added), ("changed", &changes.changed), ("removed", &changes.removed)]
            {
                for p in paths.iter() {
                    s.push_str(&format!("{what}: {p}\n"));
                }
            }
            if let Some(diff) = &source {
                s.push('\n');
                s.push_str(diff);
            }
            s
        }
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(Outcome::Done)
}

fn run_export(args: ExportArgs) -> anyhow::Result<Outcome> {
    if args.version.is_some() && args.ids.len() != 1 {
        bail!("--version names the version of one object; give one id with it");
    }
    let selection = if args.all {
        Selection::All
    } else {
        Selection::Ids(args.ids.iter().map(|id| (id.clone(), args.version.clone())).collect())
    };
    let out = Destination::from_arg(&args.output);
    let bagging_date = match super::source_date_epoch()? {
        Some(t) => t.to_string()[..10].to_string(),
        None => jiff::Timestamp::now().strftime("%Y-%m-%d").to_string(),
    };
    let options = ExportOptions {
        format: args.format.map(Format::from),
        bagging_date,
        algorithms: vec![Algorithm::Sha256],
        force: args.force,
        guard: Guard::new(),
    };
    super::interrupt::install(format!("ocfl export to {out}"));
    let report = export(&args.root, &selection, &out, &options)?;
    let what = match report.bag {
        BagOutcome::Unchanged => "is unchanged: it holds this very bag already",
        BagOutcome::Replaced => "replaced",
        _ => "written",
    };
    eprintln!("newsarc: {} {what} ({})", report.output, plural(report.objects.len(), "object"));
    Ok(Outcome::Done)
}
