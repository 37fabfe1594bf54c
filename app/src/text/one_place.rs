//! The test that keeps the portal's words in `text`: it reads every source file that makes a
//! page, an error a person sees, or a message the portal sends, and fails on any text written
//! there instead. Text is: a literal between a view's tags (`<p>"Hello"</p>`), the value of an
//! attribute a person reads or hears (`aria-label`, `title`, `placeholder`, ...), and in Rust
//! code a literal that starts with a capitalised word ("Sign in", "That code is not right.").
//! Log lines, assertions, internal errors (a person sees only their reference) and match
//! patterns (key names) are not text.

use std::path::{Path, PathBuf};

/// Attributes whose value a person reads or a screen reader speaks.
const READ_ATTRIBUTES: &[&str] = &[
    "aria-label",
    "aria-description",
    "title",
    "placeholder",
    "alt",
    "label",
    "text",
    "message",
    "heading",
    "question",
    "summary",
    "hint",
    "confirm",
    "legend",
];

/// Macros whose literals are for developers and operators.
const DEVELOPER_MACROS: &[&str] = &[
    "info",
    "warn",
    "error",
    "debug",
    "trace",
    "event",
    "span",
    "info_span",
    "debug_span",
    "warn_span",
    "panic",
    "unreachable",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "todo",
    "unimplemented",
    "include_str",
    "include_bytes",
    "env",
    "concat",
    "matches",
];

/// Literals just after these are for developers (the person sees a reference, or nothing).
const DEVELOPER_CALLS: &[&str] = &[
    ".expect(",
    "internal(",
    "internal(format!(",
    "Error::other(",
    "debug_struct(",
    "extern",
];

/// Files that hold no interface text: stored keys, internal checks, or the test ids.
const NOT_INTERFACE: &[&str] = &[
    "text/",
    "entities/",
    "testid.rs",
    "activity/log.rs",
    "secrets.rs",
];

/// The product's own name, shown where a firm has not set its own.
const ALLOWED: &[&str] = &["Dossier"];

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Between a view's tags.
    Markup,
    /// Rust code, and the attribute values of a view.
    Code,
    /// Inside a developer macro or an attribute (`#[...]`).
    Developer,
}

struct Literal {
    line: usize,
    value: String,
    scope: Scope,
    /// The attribute it is the value of, in a view.
    attribute: Option<String>,
    before: String,
    after: String,
}

fn literals(src: &str) -> Vec<Literal> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    // Each open bracket with the scope inside it.
    let mut stack: Vec<Scope> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
            continue;
        }
        let c = bytes[i];
        if c == b'\'' {
            // A char literal ('a', '\n', '\u{1}'); a lifetime has no closing quote.
            if let Some(len) = char_literal(rest) {
                i += len;
                continue;
            }
        }
        let ident_before = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let raw = rest.starts_with('r')
            && rest[1..].trim_start_matches('#').starts_with('"')
            && !ident_before;
        let byte_string = rest.starts_with("b\"") && !ident_before;
        if c == b'"' || raw || byte_string {
            let start = i;
            let (value, end) = if raw {
                let hashes = rest[1..].bytes().take_while(|b| *b == b'#').count();
                let open = 1 + hashes + 1;
                let close = format!("\"{}", "#".repeat(hashes));
                let len = rest[open..].find(&close).unwrap_or(rest.len() - open);
                (
                    rest[open..open + len].to_string(),
                    i + open + len + close.len(),
                )
            } else {
                let open = if byte_string { 2 } else { 1 };
                let mut j = i + open;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                (src[i + open..j.min(src.len())].to_string(), j + 1)
            };
            if !byte_string {
                let scope = stack.last().copied().unwrap_or(Scope::Code);
                let before = slice(src, start.saturating_sub(60), start).to_string();
                let attribute = (scope == Scope::Markup)
                    .then(|| attribute_name(&before))
                    .flatten();
                out.push(Literal {
                    line: src[..start].matches('\n').count() + 1,
                    value,
                    scope: if attribute.is_some() {
                        Scope::Code
                    } else {
                        scope
                    },
                    attribute,
                    before,
                    after: slice(src, end, end + 8).to_string(),
                });
            }
            i = end;
            continue;
        }
        match c {
            b'{' | b'(' | b'[' => {
                let before = slice(src, i.saturating_sub(40), i);
                let inner = stack.last().copied().unwrap_or(Scope::Code);
                let macro_name = macro_before(before);
                let scope = if inner == Scope::Developer || (c == b'[' && before.ends_with('#')) {
                    Scope::Developer
                } else if let Some(name) = macro_name {
                    if name == "view" && c == b'{' {
                        Scope::Markup
                    } else if DEVELOPER_MACROS.contains(&name) {
                        Scope::Developer
                    } else {
                        Scope::Code
                    }
                } else {
                    // Any bracket inside a view's markup opens Rust code.
                    if inner == Scope::Markup {
                        Scope::Code
                    } else {
                        inner
                    }
                };
                stack.push(scope);
            }
            b'}' | b')' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `src[from..to]`, widened or narrowed to whole characters.
fn slice(src: &str, from: usize, to: usize) -> &str {
    let mut from = from.min(src.len());
    while !src.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = to.min(src.len());
    while !src.is_char_boundary(to) {
        to -= 1;
    }
    &src[from..to.max(from)]
}

fn char_literal(rest: &str) -> Option<usize> {
    let body = rest.get(1..)?;
    let len = if let Some(escaped) = body.strip_prefix('\\') {
        1 + escaped.find('\'')?
    } else {
        body.chars().next()?.len_utf8()
    };
    (body[len..].starts_with('\'') && len <= 12).then_some(1 + len + 1)
}

/// `name!` just before an opening bracket.
fn macro_before(before: &str) -> Option<&str> {
    let trimmed = before.trim_end().strip_suffix('!')?;
    let start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |p| p + 1);
    Some(&trimmed[start..])
}

/// `name=` or `attr:name=` just before a literal in a view.
fn attribute_name(before: &str) -> Option<String> {
    let trimmed = before.trim_end().strip_suffix('=')?.trim_end();
    let start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':'))
        .map_or(0, |p| p + 1);
    let name = &trimmed[start..];
    Some(name.rsplit(':').next().unwrap_or(name).to_string())
}

/// Starts with a capitalised word: "Sign in", "Email", "That code is not right."
fn reads_as_text(value: &str) -> bool {
    let start = value.trim_start_matches(|c: char| !c.is_alphanumeric());
    let word: String = start.chars().take_while(|c| c.is_alphabetic()).collect();
    let next = start[word.len()..].chars().next();
    let mut letters = word.chars();
    let capitalised = letters.next().is_some_and(char::is_uppercase)
        && letters.clone().next().is_some()
        && letters.all(char::is_lowercase);
    let word_ends = next.is_none_or(|c| " ,.?!…:;'’)".contains(c));
    let code_like = value.contains("::") || value.contains('_') || value.contains('=');
    capitalised && word_ends && !code_like
}

fn is_text(l: &Literal) -> bool {
    if ALLOWED.contains(&l.value.as_str()) || l.scope == Scope::Developer {
        return false;
    }
    let before = l.before.trim_end();
    if DEVELOPER_CALLS.iter().any(|call| before.ends_with(call)) {
        return false;
    }
    let after = l.after.trim_start();
    if after.starts_with("=>") || (after.starts_with('|') && !after.starts_with("||")) {
        return false;
    }
    let has_letters = l.value.chars().any(|c| c.is_ascii_alphabetic());
    match (&l.attribute, l.scope) {
        (Some(attribute), _) => READ_ATTRIBUTES.contains(&attribute.as_str()) && has_letters,
        (None, Scope::Markup) => has_letters,
        (None, _) => reads_as_text(&l.value),
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn text_outside(root: &Path, dirs: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for dir in dirs {
        sources(&root.join(dir), &mut files);
    }
    assert!(!files.is_empty(), "no sources under {}", root.display());
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if NOT_INTERFACE.iter().any(|n| shown.contains(n)) {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("a source file reads");
        let src = src.split("#[cfg(test)]\nmod tests").next().unwrap_or(&src);
        for l in literals(src).iter().filter(|l| is_text(l)) {
            found.push(format!("{shown}:{}: {:?}", l.line, l.value));
        }
    }
    found
}

#[test]
fn text_is_in_one_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = text_outside(
        &root,
        &["app/src", "server/src/transfer", "server/src/routes.rs"],
    );
    assert!(
        found.is_empty(),
        "interface text outside app/src/text (put it there, so a translation is one file):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_text_in_each_place_it_can_be() {
    let src = r##"
        fn page() -> impl IntoView {
            tracing::info!("Started the page");
            let hint = "Choose a file";
            let class = "button primary";
            match key.as_str() { "Escape" => close(), _ => {} }
            view! {
                <p class="hint" title="Read me">"Hello there"{move || if on { "On" } else { "off" }}</p>
                <input aria-label=crate::text::NAME placeholder="Your name"/>
            }
        }
    "##;
    let text: Vec<String> = literals(src)
        .into_iter()
        .filter(is_text)
        .map(|l| l.value)
        .collect();
    assert_eq!(
        text,
        ["Choose a file", "Read me", "Hello there", "On", "Your name"]
    );
}

/// The static files a person sees (the offline page) or that report to a person (the upload
/// glue, the service worker) name their words; `app/src/text` holds them.
#[test]
fn the_static_files_hold_no_text_of_their_own() {
    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let mut found = Vec::new();
    for script in ["uploads.js", "sw.js", "pwa.js"] {
        let src = std::fs::read_to_string(public.join(script)).expect("a script reads");
        for (n, line) in src.lines().enumerate() {
            let code = line.split("//").next().unwrap_or(line);
            if code.contains("console.") {
                continue;
            }
            for quote in ['"', '\'', '`'] {
                for (i, part) in code.split(quote).enumerate() {
                    if i % 2 == 1 && part.contains(' ') && reads_as_text(part) {
                        found.push(format!("public/{script}:{}: {part:?}", n + 1));
                    }
                }
            }
        }
    }
    let page = std::fs::read_to_string(public.join("offline.html")).expect("the page reads");
    let body = page.split("</style>").nth(1).unwrap_or(&page);
    let mut words = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    let mut rest = words.clone();
    while let (Some(a), Some(b)) = (rest.find("{{"), rest.find("}}")) {
        if b < a {
            break;
        }
        rest.replace_range(a..b + 2, "");
    }
    if rest.chars().any(char::is_alphabetic) {
        found.push(format!("public/offline.html: {:?}", rest.trim()));
    }
    assert!(
        found.is_empty(),
        "text outside app/src/text:\n{}",
        found.join("\n")
    );
}
