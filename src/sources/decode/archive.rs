//! Zip archives (TikTok Studio exports): every member is read as a file of
//! its own; year-less dates inside take their year from the archive's name.

use std::io::{Cursor, Read};

pub fn members(bytes: Vec<u8>, name: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        let member = f.name().map_err(|e| e.to_string())?.to_string();
        if f.is_dir() || member.starts_with("__MACOSX") || member.ends_with(".DS_Store") {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data)
            .map_err(|e| format!("{member}: {e}"))?;
        out.push((format!("{name}/{member}"), data));
    }
    Ok(out)
}
