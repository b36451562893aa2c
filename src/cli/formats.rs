//! `newsarc formats`: the input formats and renditions this build knows, and what it recognises
//! by the bytes and refuses.

use super::Outcome;
use clap::Args;
use newsarc::read::{READERS, unread_kinds};
use newsarc::write::WRITERS;

/// List input formats (--from), renditions (--to), and the inputs recognised and refused
#[derive(Args, Debug)]
pub struct FormatsArgs {}

pub fn run(_args: FormatsArgs) -> anyhow::Result<Outcome> {
    println!("Input formats (--from; by default chosen by what the bytes are, whatever the name):");
    for r in READERS {
        println!("  {:<10} {} (.{})", r.name, r.description, r.extensions.join(", ."));
    }
    println!("Recognised by their bytes and refused, never read as article text:");
    for kind in unread_kinds() {
        println!("  {}", kind.label());
    }
    println!("Renditions (--to):");
    for w in WRITERS {
        println!("  {:<10} {} ({}, <id>{})", w.name, w.description, w.media_type, w.suffix);
    }
    Ok(Outcome::Done)
}
