//! File and folder names typed or uploaded by people. They are data, never paths: one rule,
//! used by the browser (to say so before uploading) and by the server (to decide).

use unicode_normalization::UnicodeNormalization;

use crate::AppError;

/// The longest name, in UTF-8 bytes: what every common file system accepts.
pub const MAX_NAME_BYTES: usize = 255;

/// The name as it will be stored: Unicode NFC (so "é" typed two ways is one name), without
/// surrounding spaces. Refuses what would be a path, an invisible trick, or too long.
pub fn clean_name(raw: &str) -> Result<String, AppError> {
    let name: String = raw.nfc().collect::<String>().trim().to_string();
    if name.is_empty() {
        return Err(AppError::bad_request(crate::text::GIVE_IT_A_NAME));
    }
    if name == "." || name == ".." {
        return Err(AppError::bad_request(
            crate::text::AND_CANNOT_BE_USED_AS_NAMES,
        ));
    }
    if name.contains(['/', '\\']) {
        return Err(AppError::bad_request(
            crate::text::A_NAME_CANNOT_CONTAIN_OR_TO,
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            crate::text::A_NAME_CANNOT_CONTAIN_CONTROL_CHARACTERS,
        ));
    }
    // Direction overrides make a name such as "invoice[RLO]fdp.exe" display as "invoiceexe.pdf".
    if name.chars().any(|c| {
        matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        return Err(AppError::bad_request(
            crate::text::A_NAME_CANNOT_CONTAIN_INVISIBLE_TEXT,
        ));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(AppError::bad_request(format!(
            "That name is too long: at most {MAX_NAME_BYTES} bytes (about {} characters like \
             these) are allowed.",
            MAX_NAME_BYTES * name.chars().count() / name.len()
        )));
    }
    Ok(name)
}

/// What two names are compared by: names that differ only in case or Unicode form are one.
pub fn name_key(clean: &str) -> String {
    clean.to_lowercase().nfc().collect()
}

/// The `n`th name of a file called `name` (`n` from 2): "image (2).jpg", the number before
/// the extension, shortened so that it stays within [`MAX_NAME_BYTES`].
pub fn numbered(name: &str, n: u32) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    let tail = format!(" ({n}){ext}");
    let mut stem = stem.to_string();
    while !stem.is_empty() && stem.len() + tail.len() > MAX_NAME_BYTES {
        stem.pop();
    }
    format!("{}{tail}", stem.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_name_keeps_its_extension_and_its_length() {
        assert_eq!(numbered("image.jpg", 2), "image (2).jpg");
        assert_eq!(numbered("README", 3), "README (3)");
        assert_eq!(numbered(".env", 2), ".env (2)");
        let long = format!("{}.pdf", "é".repeat(126));
        let named = numbered(&long, 12);
        assert!(
            named.len() <= MAX_NAME_BYTES && named.ends_with(" (12).pdf"),
            "{named}"
        );
        assert!(clean_name(&named).is_ok());
    }

    #[test]
    fn names_are_normalised_and_trimmed() {
        let decomposed = "Re\u{301}sume\u{301}.pdf";
        assert_eq!(
            clean_name(&format!("  {decomposed} ")).ok(),
            Some("Résumé.pdf".into())
        );
        assert_eq!(
            name_key(&clean_name(decomposed).unwrap_or_default()),
            name_key("RÉSUMÉ.PDF")
        );
    }

    #[test]
    fn paths_and_tricks_are_refused() {
        for bad in [
            "",
            "  ",
            ".",
            "..",
            "../etc/passwd",
            "a/b",
            "a\\b",
            "nul\0byte",
            "line\nbreak",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}control",
            "invoice\u{202e}fdp.exe",
            "x\u{2066}y",
        ] {
            assert!(clean_name(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(clean_name(&"a".repeat(255)).is_ok());
        assert!(clean_name(&"a".repeat(256)).is_err());
        // 128 two-byte letters are 256 bytes.
        assert!(clean_name(&"é".repeat(128)).is_err());
        assert!(clean_name("..hidden").is_ok());
        assert!(clean_name("Brief (final) – v2 ✓.docx").is_ok());
    }
}
