//! Any text as `kpiscope.toml`, as a plugin's `plugin.toml` and as a
//! warehouse's `connection` (URL or `key=value` words): parsed and checked,
//! every problem reported, nothing panics.
#![no_main]

use kpiscope::sources::manifest::Manifest;
use kpiscope::workspace::Workspace;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = std::env::temp_dir();
    let _ = Workspace::parse(&root, text);
    let _ = Manifest::parse("plugin.toml", text);
    let _ = kpiscope::pg::conninfo::ConnInfo::parse(text);
});
