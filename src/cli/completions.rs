//! `newsarc completions`: shell completion scripts, generated from the same flag definitions.

use super::{Cli, Outcome};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// Print a shell completion script
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc completions bash > ~/.local/share/bash-completion/completions/newsarc\n  newsarc completions zsh > ~/.zfunc/_newsarc"
)]
pub struct CompletionsArgs {
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    clap_complete::generate(args.shell, &mut Cli::command(), "newsarc", &mut std::io::stdout());
    Ok(Outcome::Done)
}
