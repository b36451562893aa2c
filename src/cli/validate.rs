//! `newsarc validate`: check files and report every finding.

use super::Outcome;
use clap::Args;
use std::path::PathBuf;

/// Check XML documents against an XML Schema and report every finding
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc validate --xsd NewsML-G2_2.35-spec-All-Power.xsd out/*.newsml.xml\n\nExit status: 0 valid, 1 invalid, 2 could not run.\nXSD validation needs a build with the `xsd` feature (libxml2): cargo install --path . --features xsd"
)]
pub struct ValidateArgs {
    /// Files to check
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Validate against this XML Schema (imports are resolved beside it, never over the network)
    #[arg(long, value_name = "SCHEMA.xsd", required = true)]
    xsd: PathBuf,
}

#[cfg(feature = "xsd")]
pub fn run(args: ValidateArgs) -> anyhow::Result<Outcome> {
    use newsarc::validate::xsd::XsdValidator;
    let mut validator = XsdValidator::load(&args.xsd)?;
    let (mut invalid, mut unreadable) = (0, 0);
    for file in &args.files {
        let name = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("newsarc: error: cannot read {name}: {e}");
                unreadable += 1;
                continue;
            }
        };
        let findings = validator.check(&name, &bytes);
        for finding in &findings {
            println!("{finding}");
        }
        if findings.is_empty() {
            println!("{name}: valid");
        } else {
            invalid += 1;
        }
    }
    let valid = args.files.len() - invalid - unreadable;
    eprintln!("newsarc: {valid} of {} files valid against {}", args.files.len(), args.xsd.display());
    if unreadable > 0 {
        anyhow::bail!("{unreadable} files could not be read");
    }
    Ok(if invalid > 0 { Outcome::SomeInputsBad } else { Outcome::Done })
}

#[cfg(not(feature = "xsd"))]
pub fn run(_args: ValidateArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!(
        "this newsarc was built without XSD support; build it with `--features xsd` (needs libxml2-dev and libclang-dev)"
    )
}
