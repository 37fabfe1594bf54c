//! What a message's text looks like: a small Markdown subset (paragraphs, line breaks, lists,
//! emphasis, code and quotes; links, and web and email addresses made links), rendered on the
//! server. Raw HTML is shown as typed, never run (comrak escapes it); then only those elements
//! and only http, https and mailto links are kept (ammonia), each link opening apart from the
//! portal with `rel="noopener noreferrer"`. Images are dropped: a message cannot load anything.

use std::sync::LazyLock;

/// What a message may hold once rendered.
static CLEAN: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "p",
        "br",
        "a",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
    ])
    .add_tag_attributes("a", ["href"])
    .add_tag_attributes("ol", ["start"])
    .url_schemes(["http", "https", "mailto"].into())
    .link_rel(Some("noopener noreferrer"))
    .set_tag_attribute_value("a", "target", "_blank")
    // comrak empties a link it refused (`javascript:`): no link at all, only its words.
    .attribute_filter(|element, attribute, value| {
        (!(element == "a" && attribute == "href" && value.is_empty())).then(|| value.into())
    });
    b
});

/// A message's text as HTML that is safe to put in the page.
pub fn html(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.hardbreaks = true;
    options.render.escape = true;
    let rendered = comrak::markdown_to_html(text, &options);
    CLEAN.clean(&rendered).to_string()
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn paragraphs_breaks_lists_and_emphasis() {
        let out = html("Dear Grace,\nthe **offer** is *final*.\n\n- one\n- two\n\n1. first");
        assert_eq!(
            out,
            "<p>Dear Grace,<br>\nthe <strong>offer</strong> is <em>final</em>.</p>\n\
             <ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n</ol>\n"
        );
    }

    #[test]
    fn addresses_become_links_that_open_apart() {
        let out = html("See https://court.example/case?id=1 or write to clerk@court.example.");
        assert!(
            out.contains(r#"<a href="https://court.example/case?id=1" target="_blank" rel="noopener noreferrer">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"href="mailto:clerk@court.example""#),
            "{out}"
        );
    }

    #[test]
    fn raw_html_and_script_links_are_shown_not_run() {
        // As a block (first on its line) and inline (inside a paragraph).
        let out = html(
            "<script>alert(0)</script>\n\nLook: <script>alert(1)</script> \
             <img src=x onerror=alert(2)> [click](javascript:alert(3)) \
             ![pixel](https://track.example/p.gif) \
             <a href=\"https://evil.example\" onclick=\"x()\">a</a>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("href=\"javascript:"), "{out}");
        assert!(!out.contains("href=\"\""), "{out}");
        assert!(!out.contains("<a href=\"https://evil.example\""), "{out}");
        assert!(!out.contains("track.example"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(0)&lt;/script&gt;"),
            "{out}"
        );
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(
            out.contains("click"),
            "{out}: the words of a refused link stay"
        );
    }

    #[test]
    fn nothing_for_no_text() {
        assert_eq!(html(""), "");
        assert_eq!(html("  \n "), "");
    }
}
