//! Bytes to text: exports come in UTF-8 (with or without a byte-order mark),
//! UTF-16 with a mark (Business Suite's daily series), or Windows-1252 (old
//! X and Excel exports).

/// Decodes a file's bytes, whatever encoding the network chose. UTF-8, the
/// common case, is taken over without a copy.
pub fn decode_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return s,
        Err(e) => e.into_bytes(),
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    bytes.iter().map(|&b| cp1252(b)).collect()
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252: Latin-1 except for 0x80..0x9F, where it puts typography.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn every_encoding_an_export_uses() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Date,€".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Date,€".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        for (bytes, want) in [
            (b"Date,caf\xc3\xa9".to_vec(), "Date,café"),
            (b"\xEF\xBB\xBFDate".to_vec(), "Date"),
            (utf16le, "Date,€"),
            (utf16be, "Date,€"),
            (b"caf\xe9 \x93quoted\x94 \x80".to_vec(), "café “quoted” €"),
        ] {
            assert_eq!(decode_text(bytes), want);
        }
    }
}
