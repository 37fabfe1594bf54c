//! Every sentence, label and word the portal shows or sends (pages, errors, emails, texts,
//! pushes, the guide) comes from here, so a translation is one file: copy `en.rs`, translate
//! it, and point the `pub use` below at the copy. The compiler then names anything left out.
//!
//! A text with parts filled in (a name, a count) is a function, so that each language may
//! order the parts and choose its own plural forms. `text_is_in_one_place` (a test) fails when
//! a page or a message gets text written anywhere else.

mod en;

pub use en::*;

#[cfg(test)]
mod one_place;
