//! Finding the workspace: `--workspace DIR`, else the current directory, else
//! the nearest parent that has a `kpiscope.toml`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const CONFIG: &str = "kpiscope.toml";

pub fn find(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if dir.join(CONFIG).is_file() {
            return Ok(dir.to_path_buf());
        }
        return Err(Error::usage(format!(
            "{} has no {CONFIG}\n  = hint: `kpiscope init {}` creates a workspace there",
            dir.display(),
            dir.display()
        )));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    for dir in cwd.ancestors() {
        if dir.join(CONFIG).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(Error::usage(format!(
        "no {CONFIG} in {} or any parent folder\n  = hint: pass --workspace DIR, or run `kpiscope init` to create one",
        cwd.display()
    )))
}
