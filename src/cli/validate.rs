//! `newsarc validate`: check packages and files, report every finding.

use super::Outcome;
use clap::{Args, ValueEnum};
use newsarc::output::io_reason;
use newsarc::read::sniff::Kind;
use newsarc::validate::bag::Profile;
use newsarc::validate::package::{self, Limits};
use newsarc::validate::report::{Checked, Report};
use newsarc::validate::{Finding, Severity, article, bag, folder, group, ocfl};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Check BagIt packages, OCFL storage roots and objects, and article files; report every finding
/// with a stable code
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc validate corpus.zip\n  newsarc validate corpus/ --format junit > report.xml\n  newsarc validate corpus.tar --format github        # annotations in a GitHub workflow\n  newsarc validate corpus.zip --format sarif > validate.sarif   # GitHub code scanning, GitLab\n  newsarc validate --profile bagit corpus.tar.gz      # BagIt structure and checksums only (quick CI check)\n  newsarc validate story.txt item.newsml.xml book.epub\n  newsarc validate ocfl-root/ root/ab/cd/object/        # OCFL 1.0/1.1 storage roots and objects, every digest\n  newsarc validate --group parts/ --expect inputs.txt --pack-report reports/   # the bags of pack --shard, as one group\n  newsarc validate --xsd NewsML-G2_2.35-spec-All-Power.xsd out/*.newsml.xml   # needs the xsd feature\n\nExit status: 0 valid (warnings allowed unless --strict), 1 invalid, 2 could not run.\nCodes: docs/codes.md."
)]
pub struct ValidateArgs {
    /// Bags (folder, .zip, .tar, .tar.gz), OCFL storage roots and objects (a folder holding
    /// `0=ocfl_1.x` or `0=ocfl_object_1.x`) and files (.txt, .xml, .epub, ninjs or metadata .json)
    /// to check; `-` reads one file from standard input (recognised by its bytes)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Report format
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Warnings make the result invalid too
    #[arg(long)]
    strict: bool,
    /// Print nothing: the exit status says valid (0), invalid (1) or could not run (2)
    #[arg(short, long)]
    quiet: bool,
    /// Worker threads [default: all cores]; the findings do not depend on it
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Also render each article again from its source.txt and report renditions this newsarc
    /// would write differently
    #[arg(long)]
    reproduce: bool,
    /// Rules for bags: `bagit` checks BagIt structure and checksums only (what bagit-python checks);
    /// `newsarc` also checks newsarc's index and every article. Default: `newsarc` for a bag that
    /// holds newsarc's index (data/index.json), `bagit` for any other bag. `ocfl`: the OCFL specification
    /// (1.0 and 1.1) alone, the default for a folder holding an OCFL declaration; a folder given
    /// with it that has none is an object missing its declaration (OCFL-E003)
    #[arg(long, value_enum, value_name = "PROFILE")]
    profile: Option<ProfileArg>,
    /// Also validate XML files against this XML Schema (needs a build with the `xsd` feature)
    #[arg(long, value_name = "SCHEMA.xsd")]
    xsd: Option<PathBuf>,
    /// Each PATH inside a folder bag (a folder holding `bagit.txt`) or an OCFL storage root or
    /// object stands for that package, checked once; other paths are checked as they are. For
    /// pre-commit hooks, which pass the files a commit touches
    #[arg(long)]
    enclosing: bool,
    /// The bags (or a folder of them) are the shards of one `pack --shard K/N` run: also check that
    /// they form one complete group (one Bag-Group-Identifier, Bag-Count 1..N each once, no article
    /// or input in two bags)
    #[arg(long, help_heading = "Groups of shard bags")]
    group: bool,
    /// With --group: the inputs of the run, one path per line; each must be in exactly one bag or
    /// refused in a --pack-report
    #[arg(long, value_name = "FILE", requires = "group", help_heading = "Groups of shard bags")]
    expect: Option<PathBuf>,
    /// With --group: how many inputs the run had
    #[arg(long, value_name = "N", requires = "group", help_heading = "Groups of shard bags")]
    expect_count: Option<usize>,
    /// With --group: a report of `pack --report` (repeatable, or a folder of them); the inputs it
    /// names as bad or skipped count as refused
    #[arg(long, value_name = "FILE", requires = "group", help_heading = "Groups of shard bags")]
    pack_report: Vec<PathBuf>,
    /// Entries a bag may hold; reading stops past it (NA-SAFE-007)
    #[arg(long, value_name = "N", default_value_t = Limits::package().max_entries, help_heading = "Limits")]
    max_entries: usize,
    /// Bytes one file of a bag may hold, uncompressed; larger files are not read (NA-SAFE-005)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::package().max_entry_size, help_heading = "Limits")]
    max_entry_size: u64,
    /// Bytes all files of a bag may hold together, uncompressed (NA-SAFE-005)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::package().max_total_size, help_heading = "Limits")]
    max_total_size: u64,
    /// How many times its compressed size a file over 1 MiB may expand to (NA-SAFE-006: a zip bomb)
    #[arg(long, value_name = "N", default_value_t = Limits::package().max_ratio, help_heading = "Limits")]
    max_ratio: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProfileArg {
    Bagit,
    Newsarc,
    Ocfl,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Junit,
    Github,
    Sarif,
}

pub fn run(args: ValidateArgs) -> anyhow::Result<Outcome> {
    // The checks run on rayon's global pool; its size is set once, here.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(super::jobs(args.jobs)).build_global();
    let mut xsd = xsd_checker(args.xsd.as_deref())?;
    let mut report = Report::new();
    let paths = if args.group {
        super::merge::bags_in(&args.paths)?
    } else if args.enclosing {
        enclosing_packages(&args.paths)
    } else {
        args.paths.clone()
    };
    let mut members = Vec::new();
    for path in &paths {
        let shown = path.display().to_string();
        let mut findings = Vec::new();
        if let Err(e) =
            std::fs::metadata(path).map(|_| ()).or_else(|e| if path.as_os_str() == "-" { Ok(()) } else { Err(e) })
        {
            // A missing or unreadable input is bad input, as in every subcommand: exit 1.
            findings.push(Finding {
                code: "NA-IN-001",
                severity: Severity::Error,
                file: shown.clone(),
                line: None,
                column: None,
                message: format!("cannot be read: {}", newsarc::output::io_reason(&e)),
            });
            report.checked.push(Checked { path: shown, valid: false, profile: None });
            report.findings.extend(findings);
            continue;
        }
        // An OCFL storage root or object, by its declaration, or whatever it is with --profile ocfl.
        let ocfl_kind = match args.profile {
            Some(ProfileArg::Ocfl) => Some(ocfl::detect(path).unwrap_or(ocfl::Kind::Object)),
            Some(ProfileArg::Bagit) => None,
            _ if path.as_os_str() != "-" && path.is_dir() => ocfl::detect(path),
            _ => None,
        };
        let mut profile_name = "ocfl";
        if let Some(kind) = ocfl_kind {
            let options = ocfl::Options::default();
            let at = shown.trim_end_matches('/');
            let at = if at.is_empty() { shown.as_str() } else { at };
            // The specification's checks; then, unless `--profile ocfl` asked for them alone,
            // newsarc's on each article newsarc wrote.
            let articles = !matches!(args.profile, Some(ProfileArg::Ocfl));
            let objects: Vec<(PathBuf, String, std::collections::BTreeMap<String, String>)> = match kind {
                ocfl::Kind::Root => {
                    let checked = if articles {
                        ocfl::root::check_keeping_states(path, at, &options)
                    } else {
                        ocfl::root::check(path, at, &options)
                    };
                    findings.extend(checked.findings);
                    checked
                        .objects
                        .into_iter()
                        .filter(|o| o.valid)
                        .filter_map(|o| Some((path.join(&o.path), format!("{at}/{}", o.path), o.head_state?)))
                        .collect()
                }
                ocfl::Kind::Object => {
                    let checked = ocfl::object::check(path, at, &options);
                    let valid = !checked.findings.iter().any(|f| f.severity == Severity::Error);
                    findings.extend(checked.findings);
                    match checked.head_state {
                        Some(state) if valid && articles => vec![(path.to_path_buf(), at.to_string(), state)],
                        _ => Vec::new(),
                    }
                }
            };
            if articles {
                use rayon::prelude::*;
                let found: Vec<Option<Vec<Finding>>> = objects
                    .par_iter()
                    .map(|(object, shown, state)| ocfl::check_article(object, shown, state, args.reproduce))
                    .collect();
                if found.iter().any(Option::is_some) {
                    profile_name = "newsarc";
                }
                findings.extend(found.into_iter().flatten().flatten());
            }
            if args.group {
                findings.push(finding(
                    "NA-GRP-013",
                    Severity::Error,
                    &shown,
                    "an OCFL storage root or object, not a bag: it cannot be part of a group".to_string(),
                ));
            }
            let valid = !findings
                .iter()
                .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
            report.checked.push(Checked { path: at.to_string(), valid, profile: Some(profile_name) });
            report.findings.extend(findings);
            continue;
        }
        // A folder that is no bag (nor part of one) and no OCFL root or object: a folder of files,
        // such as `convert -o out/` writes; each article's renditions are checked together.
        if path.as_os_str() != "-"
            && path.is_dir()
            && args.profile.is_none()
            && !args.group
            && folder::kind(path) == folder::FolderKind::Files
        {
            check_folder_of_files(path, &shown, &mut findings, &mut xsd)?;
            let valid = !findings
                .iter()
                .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
            report.checked.push(Checked { path: shown, valid, profile: None });
            report.findings.extend(findings);
            continue;
        }
        let is_package = path.as_os_str() != "-" && path.is_dir()
            || package::is_tar_gz(path)
            || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip") || e.eq_ignore_ascii_case("tar"));
        let mut profile = None;
        if is_package {
            let limits = Limits {
                max_entries: args.max_entries,
                max_entry_size: args.max_entry_size,
                max_total_size: args.max_total_size,
                max_ratio: args.max_ratio,
            };
            let files = package::read(path, limits, &mut findings)?;
            let chosen = match args.profile {
                Some(ProfileArg::Bagit) => Profile::Bagit,
                Some(ProfileArg::Newsarc) => Profile::Newsarc,
                Some(ProfileArg::Ocfl) | None => Profile::for_bag(&files),
            };
            let expected = bag::check(&files, &shown, chosen, &mut findings);
            let total = files.names().filter(|n| n.starts_with("data/")).count();
            let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(&shown, total));
            let progress = |n: usize| {
                if let Some(bar) = &bar {
                    bar.inc(n as u64);
                }
            };
            match chosen {
                Profile::Newsarc => article::check_with_progress(
                    &files,
                    &shown,
                    args.reproduce,
                    args.xsd.as_deref(),
                    &expected,
                    &mut findings,
                    &progress,
                ),
                Profile::Bagit => {
                    bag::verify_payload_with_progress(&files, &shown, &expected, &mut findings, &progress)
                }
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            profile = Some(chosen.name());
            if args.group {
                members.push(group::member(&files, &shown, &mut findings));
            }
        } else {
            if args.group {
                findings.push(Finding {
                    code: "NA-GRP-013",
                    severity: Severity::Error,
                    file: shown.clone(),
                    line: None,
                    column: None,
                    message: "not a bag (a folder, .zip, .tar or .tar.gz): it cannot be part of a group".to_string(),
                });
            }
            check_file(path, &shown, &mut findings, &mut xsd)?;
        }
        let valid =
            !findings.iter().any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
        report.checked.push(Checked { path: shown, valid, profile });
        report.findings.extend(findings);
    }
    if args.group {
        check_group(&args, &paths, &members, &mut report)?;
    }
    let out = match args.format {
        FormatArg::Text => report.text(),
        FormatArg::Json => report.json(),
        FormatArg::Junit => report.junit(),
        FormatArg::Github => report.github(),
        FormatArg::Sarif => report.sarif(),
    };
    if !args.quiet {
        std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    }
    Ok(if report.failed(args.strict) { Outcome::SomeInputsBad } else { Outcome::Done })
}

/// Each path as the innermost folder bag or OCFL root or object holding it (itself included),
/// else as given; each once, in the order first named.
fn enclosing_packages(paths: &[PathBuf]) -> Vec<PathBuf> {
    // A commit may touch thousands of files of one bag: each folder is looked at once.
    let mut known: std::collections::HashMap<PathBuf, bool> = std::collections::HashMap::new();
    let mut is_package = |dir: &Path| {
        *known.entry(dir.to_path_buf()).or_insert_with(|| {
            dir.is_dir()
                && (dir.join("bagit.txt").is_file()
                    || std::fs::read_dir(dir).is_ok_and(|entries| {
                        entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("0=ocfl_"))
                    }))
        })
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for path in paths {
        let package = if path.as_os_str() == "-" {
            None
        } else {
            path.ancestors().map(|a| if a.as_os_str().is_empty() { Path::new(".") } else { a }).find(|a| is_package(a))
        };
        let chosen = package.map(Path::to_path_buf).unwrap_or_else(|| path.clone());
        if seen.insert(chosen.clone()) {
            out.push(chosen);
        }
    }
    out
}

/// The group check over the bags read, with what the user knows of the inputs.
fn check_group(
    args: &ValidateArgs,
    paths: &[PathBuf],
    members: &[group::Member],
    report: &mut Report,
) -> anyhow::Result<()> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| anyhow::anyhow!("cannot read {}: {}", p.display(), newsarc::output::io_reason(&e)))
    };
    let mut expect = group::Expect { count: args.expect_count, ..group::Expect::default() };
    if let Some(list) = &args.expect {
        let bytes = read(list)?;
        expect.inputs =
            Some(newsarc::package::inputs::parse_list(&bytes, false).iter().map(|p| p.display().to_string()).collect());
        expect.inputs_file = list.display().to_string();
    }
    let mut reports = Vec::new();
    for p in &args.pack_report {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {}", p.display(), newsarc::output::io_reason(&e)))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            reports.extend(found);
        } else {
            reports.push(p.clone());
        }
    }
    for r in &reports {
        let shown = r.display().to_string();
        let refused = group::refused_in_report(&read(r)?).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
        expect.refused.extend(refused.into_iter().map(|(path, reason)| (path, reason, shown.clone())));
    }
    let shown = match args.paths.as_slice() {
        [one] if paths.len() > 1 || one.is_dir() && !one.join("bagit.txt").is_file() => one.display().to_string(),
        _ => format!("group of {} bags", paths.len()),
    };
    let mut findings = Vec::new();
    group::check(members, &expect, &shown, &mut findings);
    let valid =
        !findings.iter().any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
    report.checked.push(Checked { path: shown, valid, profile: Some("group") });
    report.findings.extend(findings);
    Ok(())
}

/// A single file: read with its reader (errors and warnings become findings), and against the
/// XSD when one is given.
/// A folder of files: each article's renditions together (on all cores), every other file as
/// if given alone, symbolic links named and not followed.
fn check_folder_of_files(
    path: &Path,
    shown: &str,
    findings: &mut Vec<Finding>,
    xsd: &mut XsdChecker,
) -> anyhow::Result<()> {
    use rayon::prelude::*;
    let shown = shown.trim_end_matches('/');
    let listing =
        folder::list(path, shown).map_err(|e| anyhow::anyhow!("cannot read {shown}: {}", io_reason(&e)))?;
    let found: Vec<Vec<Finding>> =
        listing.articles.par_iter().map(|(loose, files)| folder::check_article(loose, files)).collect();
    findings.extend(found.into_iter().flatten());
    for other in &listing.others {
        let relative = other.strip_prefix(path).unwrap_or(other).to_string_lossy().replace('\\', "/");
        check_file(other, &format!("{shown}/{relative}"), findings, xsd)?;
    }
    for link in &listing.links {
        let relative = link.strip_prefix(path).unwrap_or(link).to_string_lossy().replace('\\', "/");
        findings.push(finding(
            "NA-SAFE-002",
            Severity::Warning,
            &format!("{shown}/{relative}"),
            "a symbolic link; not followed".to_string(),
        ));
    }
    if listing.articles.is_empty() && listing.others.is_empty() {
        findings.push(finding(
            "NA-IN-002",
            Severity::Warning,
            shown,
            "an empty folder (no bag, no OCFL declaration, no files); nothing to check".to_string(),
        ));
    }
    Ok(())
}

fn check_file(path: &Path, shown: &str, findings: &mut Vec<Finding>, xsd: &mut XsdChecker) -> anyhow::Result<()> {
    let (bytes, name) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
        // Standard input is known by its bytes, as files are by their endings.
        let name = format!("stdin.{}", stdin_ending(&bytes));
        (bytes, name)
    } else {
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {shown}: {}", io_reason(&e)))?;
        (bytes, path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
    };
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") && newsarc_report(&bytes) {
        findings.push(finding(
            "NA-IN-003",
            Severity::Warning,
            shown,
            "a report newsarc wrote (pack or convert --report), not a rendition; nothing to check".to_string(),
        ));
        return Ok(());
    }
    if lower.ends_with(".epub") || lower.ends_with(".json") {
        findings.extend(article::check_file(shown, &name, &bytes));
        return Ok(());
    }
    if newsarc::read::reader_for_extension(&name).is_none() {
        let sniffed = newsarc::read::sniff::sniff(&bytes);
        let bytes_say = match sniffed.kind {
            Kind::Text => String::new(),
            _ => format!("; by its bytes, {}", sniffed.summary()),
        };
        findings.push(finding(
            "NA-IN-002",
            Severity::Warning,
            shown,
            format!(
                "not a file newsarc validates (by its name: .txt, .md, .xml, .epub, .json, or a bag){bytes_say}; not checked"
            ),
        ));
        return Ok(());
    }
    // By what the bytes are, as `convert` reads them: what no reader takes is said to be what it is.
    let reader = match newsarc::read::reader_for(Some(&name), &bytes) {
        Ok(reader) => reader,
        Err(e) => {
            findings.push(finding("NA-IN-004", Severity::Error, shown, e.to_string()));
            return Ok(());
        }
    };
    let options = newsarc::read::ReadOptions { source_name: Some(name.clone()), ..Default::default() };
    // Every article of the file (a newsMessage holds several).
    match reader.read_articles(&bytes, &options) {
        Ok(articles) => findings.extend(articles.iter().flat_map(|a| &a.warnings).map(|w| Finding {
            code: w.code.as_str(),
            severity: if w.code.is_error_when_validating() { Severity::Error } else { Severity::Warning },
            file: shown.to_string(),
            line: w.line,
            column: w.column,
            message: w.message.clone(),
        })),
        Err(e) => findings.push(Finding {
            code: "NA-REN-001",
            severity: Severity::Error,
            file: shown.to_string(),
            line: None,
            column: None,
            message: format!("cannot be read as {}: {e}", reader.description),
        }),
    }
    if name.to_ascii_lowercase().ends_with(".xml") {
        xsd(shown, &bytes, findings);
    }
    Ok(())
}

/// What standard input holds, as a file ending: an EPUB, a NewsML-G2 item, JSON; else text (and
/// then the bytes decide, as they do for a file).
fn stdin_ending(bytes: &[u8]) -> &'static str {
    match newsarc::read::sniff::sniff(bytes).kind {
        Kind::Epub => "epub",
        Kind::NewsMl => "xml",
        Kind::Json => "json",
        // JSON that does not parse is still a rendition to check, and to be told it is broken.
        Kind::Text if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => "json",
        _ => "txt",
    }
}

/// Whether JSON is one of newsarc's own reports (`pack --report`, `convert --report`).
fn newsarc_report(bytes: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(bytes) else { return false };
    let pack = ["output", "articles", "bad", "skipped"].iter().all(|k| map.contains_key(*k));
    let convert = map.len() == 1 && map.get("inputs").is_some_and(|v| v.is_array());
    pack || convert
}

fn finding(code: &'static str, severity: Severity, file: &str, message: String) -> Finding {
    Finding { code, severity, file: file.to_string(), line: None, column: None, message }
}

type XsdChecker = Box<dyn FnMut(&str, &[u8], &mut Vec<Finding>)>;

#[cfg(feature = "xsd")]
fn xsd_checker(schema: Option<&Path>) -> anyhow::Result<XsdChecker> {
    Ok(match schema {
        Some(schema) => {
            let mut validator = newsarc::validate::xsd::XsdValidator::load(schema)?;
            Box::new(move |name, bytes, findings| findings.extend(validator.check(name, bytes)))
        }
        None => Box::new(|_, _, _| {}),
    })
}

#[cfg(not(feature = "xsd"))]
fn xsd_checker(schema: Option<&Path>) -> anyhow::Result<XsdChecker> {
    if schema.is_some() {
        anyhow::bail!(
            "this newsarc was built without XSD support; build it with `--features xsd` (needs libxml2-dev and libclang-dev)"
        );
    }
    Ok(Box::new(|_, _, _| {}))
}

/// Files checked in one bag, on a terminal only.
fn progress_bar(bag: &str, total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    let template =
        format!("{{spinner}} {} {{pos}}/{{len}} files [{{bar:30}}] {{per_sec}}", bag.replace(['{', '}'], ""));
    bar.set_style(indicatif::ProgressStyle::with_template(&template).expect("a valid template").progress_chars("=> "));
    bar
}
