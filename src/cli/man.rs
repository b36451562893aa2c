//! `newsarc man`: manual pages, generated from the same flag definitions as `--help`.

use super::{Cli, Outcome};
use anyhow::Context;
use clap::{Args, CommandFactory};
use newsarc::output::{Guard, Written};
use std::path::PathBuf;

/// Print the manual page, or write one page per subcommand into a folder
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  newsarc man --dir ~/.local/share/man/man1    # then: man newsarc, man newsarc-pack\n  newsarc man | man -l -"
)]
pub struct ManArgs {
    /// Write newsarc.1 and newsarc-SUBCOMMAND.1 into this folder instead of printing newsarc.1
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Replace pages that differ (from another version)
    #[arg(long, requires = "dir")]
    force: bool,
}

pub fn run(args: ManArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    command.build();
    let Some(dir) = args.dir else {
        clap_mangen::Man::new(command).render(&mut std::io::stdout().lock())?;
        return Ok(Outcome::Done);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let guard = Guard::new();
    let mut pages = vec![("newsarc.1".to_string(), command.clone())];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("newsarc-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    for (file, page) in pages {
        let mut bytes = Vec::new();
        clap_mangen::Man::new(page).render(&mut bytes)?;
        let path = dir.join(&file);
        if guard.write_file(&path, &bytes, args.force)? != Written::Unchanged {
            eprintln!("newsarc: wrote {}", path.display());
        }
    }
    Ok(Outcome::Done)
}
