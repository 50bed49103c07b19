//! A progress line on stderr, only when stderr is a terminal.

use std::io::{self, IsTerminal};

/// Rows read so far in the current pass, with what the pass does.
pub(super) struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A progress line, or nothing with `quiet` or when stderr is not a terminal.
    pub(super) fn new(quiet: bool) -> Progress {
        if quiet || !io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        // The spinner turns while a pass waits on a slow step (near-duplicate linking).
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// Starts a pass over the rows, counting from 0.
    pub(super) fn pass(&self, what: impl Into<String>) {
        self.start(what.into(), "{spinner} {msg}: {human_pos} rows ({elapsed})");
    }

    /// Starts a step that reads no rows.
    pub(super) fn step(&self, what: impl Into<String>) {
        self.start(what.into(), "{spinner} {msg} ({elapsed})");
    }

    fn start(&self, what: String, template: &str) {
        if let Some(bar) = &self.0 {
            let style = indicatif::ProgressStyle::with_template(template);
            bar.set_style(style.unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()));
            bar.set_message(what);
            bar.reset();
        }
    }

    /// `rows` rows of this pass are done.
    pub(super) fn set(&self, rows: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(rows);
        }
    }

    /// Clears the line.
    pub(super) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
