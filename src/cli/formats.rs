//! `newsarc formats`: the input formats and renditions this build knows.

use super::Outcome;
use clap::Args;
use newsarc::read::READERS;
use newsarc::write::WRITERS;

/// List input formats (--from) and renditions (--to)
#[derive(Args, Debug)]
pub struct FormatsArgs {}

pub fn run(_args: FormatsArgs) -> anyhow::Result<Outcome> {
    println!("Input formats (--from):");
    for r in READERS {
        println!("  {:<10} {} (.{})", r.name, r.description, r.extensions.join(", ."));
    }
    println!("Renditions (--to):");
    for w in WRITERS {
        println!("  {:<10} {} ({}, <id>{})", w.name, w.description, w.media_type, w.suffix);
    }
    Ok(Outcome::Done)
}
