//! `newsarc inspect`: what the reader understood, as JSON.

use super::{Outcome, ReadArgs, Verbosity, print_warnings};
use clap::Args;
use newsarc::load::{Input, load_all};
use std::io::Write;
use std::path::PathBuf;

/// Show what the reader understood of an article, as JSON (the document model); an array for an
/// input of several articles
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc inspect story.txt\n  newsarc inspect story.txt | jq .dateline\n  newsarc inspect -q story.txt && echo reads   # exit status only\n\nExit status: 0 read, 1 cannot be read (the reason on stderr), 2 usage error."
)]
pub struct InspectArgs {
    /// Article file; `-` reads standard input
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    #[command(flatten)]
    say: Verbosity,
    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: InspectArgs) -> anyhow::Result<Outcome> {
    let options = args.read.load_options()?;
    let input = Input::from_arg(&args.input);
    match load_all(&input, &options) {
        Ok(mut articles) => {
            if args.say.verbose {
                for article in &articles {
                    print_warnings(&input.to_string(), article);
                }
            }
            if args.say.quiet {
                return Ok(Outcome::Done);
            }
            // Serialized first, so a closed pipe shows up as an I/O error, not a JSON one. An input
            // of several articles (a newsMessage, a collection EPUB) gives an array of them.
            let mut json = if articles.len() == 1 {
                serde_json::to_vec_pretty(&articles.remove(0))?
            } else {
                serde_json::to_vec_pretty(&articles)?
            };
            json.push(b'\n');
            let mut out = std::io::stdout().lock();
            out.write_all(&json)?;
            out.flush()?;
            Ok(Outcome::Done)
        }
        Err(err) => {
            eprintln!("newsarc: error: {err}");
            Ok(Outcome::SomeInputsBad)
        }
    }
}
