//! The firm, not the software: the name and accent colour people see in the header, the tab's
//! title, the installed app, the client guide and every email and text message. Unset, the
//! portal calls itself Dossier.

use leptos::prelude::*;

use crate::AppError;

/// The software's own name, shown where the firm has not given its own.
pub const SOFTWARE: &str = "Dossier";
/// The accent when the firm has chosen none (`--brand` in the style sheet).
pub const DEFAULT_ACCENT: &str = "#1f3a5f";
/// The most characters of a firm's name.
pub const NAME_CHARS: usize = 80;
/// White text on the accent (buttons, the header) must be readable: WCAG 2.1 AA for body text.
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Brand {
    /// The firm's name; empty when not set.
    pub firm: String,
    /// `#rrggbb`; empty when not set.
    pub accent: String,
    /// The firm's logo, when it has given one (`super::logo`).
    pub logo: Option<Logo>,
}

/// What a page needs to know of the firm's logo; its bytes are served at `LOGO_PATH`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Logo {
    /// The start of its SHA-256: a new logo is a new address, so a browser caches each for good.
    pub version: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
}

/// Where the logo is served (without one, the portal's own icon).
pub const LOGO_PATH: &str = "/brand/logo";

impl Brand {
    /// What the portal is called: the firm's name, else the software's.
    pub fn name(&self) -> &str {
        if self.firm.is_empty() {
            SOFTWARE
        } else {
            &self.firm
        }
    }

    pub fn accent(&self) -> &str {
        if self.accent.is_empty() {
            DEFAULT_ACCENT
        } else {
            &self.accent
        }
    }

    /// The address of the firm's logo, if it has one.
    pub fn logo_url(&self) -> Option<String> {
        self.logo
            .as_ref()
            .map(|l| format!("{LOGO_PATH}?v={}", l.version))
    }

    /// The name on a browser tab: the page, then the firm. On the server it is HTML-escaped:
    /// `leptos_meta` writes a title into the page as it is, and a firm's, matter's or
    /// conversation's name is typed by people.
    pub fn title(&self, page: &str) -> String {
        let title = if page.is_empty() {
            self.name().to_string()
        } else {
            format!("{page} · {}", self.name())
        };
        #[cfg(feature = "ssr")]
        let title = escape_html(&title);
        title
    }

    /// The display name emails come from: the firm, by way of the software people may not know.
    pub fn sender(&self) -> String {
        if self.firm.is_empty() {
            SOFTWARE.to_string()
        } else {
            format!("{} via {SOFTWARE}", self.firm)
        }
    }

    /// An email's subject, beginning with who it is from.
    pub fn email_subject(&self, subject: &str) -> String {
        format!("{}: {subject}", self.name())
    }

    /// An email's body with the firm's signature under it.
    pub fn email_body(&self, body: &str) -> String {
        let firm = self.name();
        crate::text::sent_by_s_client_portal_replies(&body.trim_end(), &firm)
    }

    /// A text message, beginning with who it is from: a phone shows only a number.
    pub fn sms_body(&self, body: &str) -> String {
        format!("{}: {body}", self.name())
    }

    /// The brand of this page: on the server, the firm's settings as this node last read them;
    /// in the browser, what the server wrote into the page (`application-name`), so hydration
    /// shows the same name without asking again.
    pub fn provide() {
        provide_context(Self::of_page());
    }

    /// The brand `provide` gave this page.
    pub fn current() -> Self {
        use_context::<Self>().unwrap_or_default()
    }

    #[cfg(feature = "ssr")]
    fn of_page() -> Self {
        use_context::<crate::state::AppState>()
            .map(|state| (*state.brand.get(&state.db)).clone())
            .unwrap_or_default()
    }

    #[cfg(not(feature = "ssr"))]
    fn of_page() -> Self {
        let firm = document_meta("application-name")
            .filter(|name| name != SOFTWARE)
            .unwrap_or_default();
        let logo = document_meta(LOGO_META).map(|version| Logo {
            version,
            ..Logo::default()
        });
        // The accent lives in the page's style sheet; the front end has no use for it.
        Self {
            firm,
            accent: String::new(),
            logo,
        }
    }
}

/// The `<meta>` the page's shell writes the logo's version into, for the front end.
pub const LOGO_META: &str = "dossier-logo";

/// The content of the page's `<meta name=…>`.
#[cfg(not(feature = "ssr"))]
fn document_meta(name: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("meta[name={name}]"))
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
}

/// Text made safe to write between HTML tags or in an attribute.
#[cfg(feature = "ssr")]
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A firm's name as given in Settings: one line, trimmed; empty means none.
pub fn firm_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.chars().count() > NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::bad_request(format!(
            "The firm's name is one line of at most {NAME_CHARS} characters."
        )));
    }
    Ok(name.to_string())
}

/// An accent colour as given in Settings (`#1f3a5f`, any case); empty means the default. A
/// colour white text cannot be read on is refused with its contrast.
pub fn accent_colour(raw: &str) -> Result<String, AppError> {
    let colour = raw.trim().to_ascii_lowercase();
    if colour.is_empty() {
        return Ok(colour);
    }
    let Some(ratio) = contrast_with_white(&colour) else {
        return Err(AppError::bad_request(
            crate::text::is_not_a_colour_write_it(&raw.trim()),
        ));
    };
    if ratio < MIN_CONTRAST {
        return Err(AppError::bad_request(format!(
            "White text on {colour} has a contrast of {ratio:.1}:1, and {MIN_CONTRAST}:1 is \
             needed to read it: choose a darker shade."
        )));
    }
    Ok(colour)
}

/// The WCAG 2.1 contrast ratio of white on `#rrggbb`, or `None` if it is not such a colour.
pub fn contrast_with_white(colour: &str) -> Option<f64> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |at: usize| -> Option<f64> {
        let c = f64::from(u8::from_str_radix(hex.get(at..at + 2)?, 16).ok()?) / 255.0;
        Some(if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    let luminance = 0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?;
    Some(1.05 / (luminance + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_colours_white_text_cannot_be_read_on_are_refused_with_their_contrast() {
        assert_eq!(accent_colour(" #1F3A5F ").ok().as_deref(), Some("#1f3a5f"));
        assert_eq!(accent_colour("").ok().as_deref(), Some(""));
        let black = contrast_with_white("#000000").expect("colour");
        assert!((black - 21.0).abs() < 0.01, "{black}");
        let yellow = accent_colour("#ffcc00").expect_err("too light");
        assert!(yellow.to_string().contains(":1"), "{yellow}");
        for bad in ["1f3a5f", "#1f3a5", "#1f3a5g", "red", "#ffffff"] {
            let e = accent_colour(bad).expect_err(bad);
            assert!(matches!(e, AppError::BadRequest(_)), "{e:?}");
        }
    }

    #[test]
    fn the_firm_is_named_in_every_email_and_text_and_the_software_only_when_it_has_no_name() {
        let firm = Brand {
            firm: "Harper & Co".into(),
            ..Brand::default()
        };
        assert_eq!(firm.sender(), "Harper & Co via Dossier");
        assert_eq!(
            firm.email_subject("A secure message"),
            "Harper & Co: A secure message"
        );
        assert!(firm.email_body("Hello\n").ends_with(
            "Hello\n\n-- \nHarper & Co\nSent by Harper & Co's client portal. Replies to this \
             email are not read: answer in the portal.\n"
        ));
        assert_eq!(firm.sms_body("Code 123"), "Harper & Co: Code 123");
        assert_eq!(firm.title("Matters"), "Matters · Harper &amp; Co");
        assert_eq!(
            firm.title("</title><meta http-equiv=refresh>"),
            "&lt;/title&gt;&lt;meta http-equiv=refresh&gt; · Harper &amp; Co"
        );
        assert_eq!(firm.accent(), DEFAULT_ACCENT);
        let none = Brand::default();
        assert_eq!(none.sender(), "Dossier");
        assert_eq!(none.title(""), "Dossier");
        assert!(firm_name("Harper\n& Co").is_err());
        assert!(firm_name(&"x".repeat(NAME_CHARS + 1)).is_err());
    }
}
