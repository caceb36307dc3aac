//! The progress bar shown while sources load: only on a terminal, only when
//! not `-q`, and only for loads large enough to take a while, so that cron
//! logs, pipes and small workspaces never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Loads smaller than this finish before a bar would be worth drawing.
const WORTH_SHOWING: u64 = 16 << 20;

pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar over `total` bytes of input, drawn on stderr when it is a terminal.
    pub fn new(total: u64, quiet: bool) -> Progress {
        if quiet || total < WORTH_SHOWING || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "loading {bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// Names the file being read.
    pub fn file(&self, shown: &str) {
        if let Some(b) = &self.0 {
            b.set_message(shown.to_string());
        }
    }

    /// Starts over, for a second read of the same inputs.
    pub fn restart(&self) {
        if let Some(b) = &self.0 {
            b.set_position(0);
        }
    }

    pub fn inc(&self, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(bytes);
        }
    }
}

impl Drop for Progress {
    /// The bar goes away when loading ends, successfully or not, so that
    /// errors and results print on a clean line.
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
