//! `newsarc schema`: print one of the project's JSON Schemas.

use super::Outcome;
use clap::Args;

/// Print a JSON Schema of newsarc's own files (metadata record, sidecar)
#[derive(Args, Debug)]
pub struct SchemaArgs {
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(newsarc::schemas::ALL.iter().map(|(n, _)| *n)))]
    name: String,
}

pub fn run(args: SchemaArgs) -> anyhow::Result<Outcome> {
    let (_, schema) = newsarc::schemas::ALL.iter().find(|(n, _)| *n == args.name).expect("clap checked the name");
    print!("{schema}");
    Ok(Outcome::Done)
}
