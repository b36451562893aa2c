//! SIGINT and SIGTERM while writing: remove this run's partial output, say so in one line, exit
//! 130 or 143 (128 + the signal), as shells expect.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::OnceLock;

static WHAT: OnceLock<String> = OnceLock::new();

/// From here on, an interrupt removes the partial output of `what` (such as "pack into
/// corpus.zip") before the process exits.
pub fn install(what: String) {
    if WHAT.set(what).is_err() {
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let removed = newsarc::output::partial::remove_all();
            let name = if signal == SIGINT { "SIGINT" } else { "SIGTERM" };
            let what = WHAT.get().map_or("", String::as_str);
            let left = match removed.len() {
                0 => "nothing was left behind".to_string(),
                n => format!("its partial output was removed ({}); nothing was left behind", super::plural(n, "item")),
            };
            eprintln!("newsarc: interrupted ({name}) during {what}: {left}");
            std::process::exit(128 + signal);
        }
    });
}
