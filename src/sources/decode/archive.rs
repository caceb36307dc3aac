//! Zip archives (TikTok Studio exports): every member is read as a file of
//! its own; year-less dates inside take their year from the archive's name.
//! What members may inflate to is held to `limits`: their declared sizes are
//! checked before anything is inflated (zip refuses to inflate a member past
//! its declared size), and reading stops at the limit regardless.

use std::io::{Cursor, Read};

use super::limits::{
    MAX_ARCHIVE_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, RATIO_FROM_BYTES,
};
use super::text::printable;

pub fn members(bytes: Vec<u8>, name: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    super::guarded("zip archive", || read_members(bytes, name))
}

fn read_members(bytes: Vec<u8>, name: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("this zip archive is damaged (cut short? download it again): {e}"))?;
    check_sizes(&mut zip)?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|e| format!("this zip archive is damaged: {e}"))?;
        let member = String::from_utf8_lossy(f.name_raw()).into_owned();
        if f.is_dir() || member.starts_with("__MACOSX") || member.ends_with(".DS_Store") {
            continue;
        }
        let shown = printable(&member, 120).into_owned();
        let mut data = Vec::new();
        // Never past the limit, whatever the member claimed.
        let read = f
            .take(MAX_MEMBER_BYTES + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{shown}: this zip member is damaged: {e}"))?;
        if read as u64 > MAX_MEMBER_BYTES {
            return Err(too_large(&shown, None));
        }
        total += read as u64;
        if total > MAX_ARCHIVE_BYTES {
            return Err(format!(
                "the members of this zip archive inflate to more than {} GiB together: extract the exports and give them one by one",
                MAX_ARCHIVE_BYTES >> 30
            ));
        }
        out.push((format!("{name}/{shown}"), data));
    }
    Ok(out)
}

/// Refuses a zip whose members declare more than the limits, before any of
/// them is inflated: XLSX and ODS workbooks too, which calamine inflates.
pub fn check_sizes<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), String> {
    if zip.len() > MAX_MEMBERS {
        return Err(format!(
            "this zip archive holds {} members, more than the {MAX_MEMBERS} kpiscope reads",
            zip.len()
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| format!("this zip archive is damaged: {e}"))?;
        let shown = printable(&String::from_utf8_lossy(f.name_raw()), 120).into_owned();
        let (size, packed) = (f.size(), f.compressed_size());
        if size > MAX_MEMBER_BYTES {
            return Err(too_large(&shown, Some(size)));
        }
        if size > RATIO_FROM_BYTES && size / packed.max(1) > MAX_RATIO {
            return Err(format!(
                "{shown}: this zip member inflates {} times (from {packed} to {size} bytes), which no export does: the zip is damaged or a zip bomb",
                size / packed.max(1)
            ));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_ARCHIVE_BYTES {
        return Err(format!(
            "the members of this zip archive declare {total} bytes together, more than the {} GiB kpiscope reads: extract the exports and give them one by one",
            MAX_ARCHIVE_BYTES >> 30
        ));
    }
    Ok(())
}

fn too_large(member: &str, declared: Option<u64>) -> String {
    let size = declared.map_or_else(
        || "inflates to more".to_string(),
        |s| format!("declares {s} bytes, more"),
    );
    format!(
        "{member}: this zip member {size} than the {} MiB kpiscope reads from one member: the zip is damaged, or extract it and give the exports one by one",
        MAX_MEMBER_BYTES >> 20
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    /// A zip of one member of `size` zero bytes, deflated, declaring
    /// `declared` bytes in its headers.
    fn lying_zip(size: usize, declared: u32) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..size >> 20 {
            zip.write_all(&chunk).unwrap();
        }
        let mut z = zip.finish().unwrap().into_inner();
        for (sig, at) in [(&b"PK\x03\x04"[..], 22), (&b"PK\x01\x02"[..], 24)] {
            let h = z.windows(4).position(|w| w == sig).unwrap();
            z[h + at..h + at + 4].copy_from_slice(&declared.to_le_bytes());
        }
        z
    }

    /// Declared sizes are what the limits check before anything is
    /// inflated; they hold because zip itself refuses to inflate a member
    /// past its declared size (calamine reads a workbook's parts through it).
    #[test]
    fn a_member_inflating_past_what_it_declares_is_refused() {
        let z = lying_zip(80 << 20, 1000);
        let e = crate::sources::decode::decode("e.zip", z, None, None).unwrap_err();
        assert_eq!(
            e,
            "xl/sharedStrings.xml: this zip member is damaged: File is larger than its declared uncompressed size"
        );
    }
}
