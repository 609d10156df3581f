//! Upper and lower case for the Latin letters the programme is written in:
//! ASCII, Latin-1 (å, ä, ö, é, ü …) and Latin Extended-A (the Sami č, đ, ŋ,
//! š, ŧ, ž, and Polish, Czech, Baltic letters). The standard library's
//! `to_lowercase` carries Unicode's case tables for every script, kilobytes
//! of WebAssembly each app would download; other scripts keep their case
//! here, so a search in them is case-sensitive. The browser and the server
//! filter with these same functions, so they always agree.

/// The lower-case form of a letter, or the character itself.
pub fn lower_char(c: char) -> char {
    let n = c as u32;
    let lowered = match n {
        0x41..=0x5A => n + 0x20,
        0xC0..=0xDE if n != 0xD7 => n + 0x20,
        // İ: its lower case is a plain i (with a combining dot in Unicode).
        0x130 => 0x69,
        0x100..=0x137 | 0x14A..=0x177 if n.is_multiple_of(2) => n + 1,
        0x139..=0x148 | 0x179..=0x17E if !n.is_multiple_of(2) => n + 1,
        0x178 => 0xFF,
        _ => n,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// The upper-case form of a letter, or the character itself (ß stays ß).
pub fn upper_char(c: char) -> char {
    let n = c as u32;
    let raised = match n {
        0x61..=0x7A => n - 0x20,
        0xE0..=0xFE if n != 0xF7 => n - 0x20,
        0xFF => 0x178,
        0x131 => 0x49,
        0x101..=0x137 | 0x14B..=0x177 if !n.is_multiple_of(2) => n - 1,
        0x13A..=0x148 | 0x17A..=0x17E if n.is_multiple_of(2) => n - 1,
        _ => n,
    };
    char::from_u32(raised).unwrap_or(c)
}

/// The text in lower case, as [`lower_char`] writes each letter.
pub fn lower(text: &str) -> String {
    text.chars().map(lower_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_and_sami_letters_change_case() {
        assert_eq!(lower("ÅÄÖ Éva Čđŋ ŠŦŽ Ümeå"), "åäö éva čđŋ šŧž ümeå");
        assert_eq!(upper_char('å'), 'Å');
        assert_eq!(upper_char('ö'), 'Ö');
        assert_eq!(upper_char('ž'), 'Ž');
        assert_eq!(upper_char('ß'), 'ß');
        assert_eq!(lower("Ωμέγα"), "Ωμέγα", "other scripts keep their case");
    }

    /// Within the letters it covers, it agrees with Unicode wherever Unicode
    /// maps a letter to one letter.
    #[test]
    fn it_agrees_with_unicode_for_the_latin_letters() {
        for n in 0..0x180u32 {
            let Some(c) = char::from_u32(n) else { continue };
            let mut std_lower = c.to_lowercase();
            if let (Some(l), None) = (std_lower.next(), std_lower.next())
                && n != 0x130
            {
                assert_eq!(lower_char(c), l, "lower case of U+{n:04X}");
            }
            let mut std_upper = c.to_uppercase();
            if let (Some(u), None) = (std_upper.next(), std_upper.next()) {
                // µ (U+00B5) and ſ (U+017F) rise into Greek and ASCII in Unicode;
                // ĸ (U+0138) has none.
                if ![0xB5, 0x17F].contains(&n) {
                    assert_eq!(upper_char(c), u, "upper case of U+{n:04X}");
                }
            }
        }
    }
}
