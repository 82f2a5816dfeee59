//! Message entities (bold, links, custom emoji…) as Telegram sends them, and their Telegram HTML.
//!
//! An admin's formatted message arrives as plain text plus entities; [`entities_to_html`] turns
//! that back into `parse_mode=HTML` text, so the bot can send the same formatting to others.

use std::cmp::Reverse;

/// One formatted range of a message's text or caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEntity {
    /// What the range is.
    pub kind: EntityKind,
    /// Start of the range in UTF-16 code units, as Telegram counts.
    pub offset: u32,
    /// Length of the range in UTF-16 code units.
    pub length: u32,
}

/// The formatting of a [`MessageEntity`]; kinds that need no markup are [`EntityKind::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityKind {
    /// Bold text.
    Bold,
    /// Italic text.
    Italic,
    /// Underlined text.
    Underline,
    /// Struck-through text.
    Strikethrough,
    /// Text hidden until tapped.
    Spoiler,
    /// Monospace inline code.
    Code,
    /// A monospace block, optionally with its programming language.
    Pre {
        /// Programming language, e.g. `rust`.
        language: Option<String>,
    },
    /// A link behind a text.
    TextLink {
        /// The link's target.
        url: String,
    },
    /// A mention of a user without a username.
    TextMention {
        /// The mentioned user's id.
        user_id: i64,
    },
    /// A custom emoji sticker shown in place of the text.
    CustomEmoji {
        /// The custom emoji's id.
        custom_emoji_id: String,
    },
    /// A block quotation.
    Blockquote,
    /// A block quotation collapsed until tapped.
    ExpandableBlockquote,
    /// A kind Telegram detects by itself (mention, hashtag, URL, command…) or does not tell us.
    Other,
}

/// Telegram HTML (`parse_mode=HTML`) that shows `text` with the formatting of `entities`.
///
/// `<`, `>` and `&` are escaped. Entities whose range lies outside the text or splits a
/// character are dropped, as are links to anything but `http`, `https` and `tg` URLs; their
/// text stays. Overlapping ranges that do not nest are closed and reopened, so the tags are
/// always well-formed.
#[must_use]
pub fn entities_to_html(text: &str, entities: &[MessageEntity]) -> String {
    let byte_at = utf16_boundaries(text);
    let mut spans: Vec<Span> = entities
        .iter()
        .filter_map(|it| Span::new(it, &byte_at))
        .collect();
    // Stable: of two equal ranges the first entity becomes the outer tag.
    spans.sort_by_key(|it| (it.start, Reverse(it.end)));
    render(text, &spans)
}

/// A tag pair over a byte range of the text.
#[derive(Debug)]
struct Span {
    start: usize,
    end: usize,
    open: String,
    close: &'static str,
}

impl Span {
    fn new(entity: &MessageEntity, byte_at: &[Option<usize>]) -> Option<Self> {
        let (open, close) = tags(&entity.kind)?;
        let len16 = byte_at.len().saturating_sub(1);
        let start16 = usize::try_from(entity.offset).ok()?;
        if start16 >= len16 {
            log::debug!("dropping an entity outside the text: {entity:?}");
            return None;
        }
        let length = usize::try_from(entity.length).ok()?;
        let end16 = start16.saturating_add(length).min(len16);
        let start = byte_at.get(start16).copied().flatten();
        let end = byte_at.get(end16).copied().flatten();
        let (Some(start), Some(end)) = (start, end) else {
            log::debug!("dropping an entity that splits a character: {entity:?}");
            return None;
        };
        if start == end {
            return None;
        }
        Some(Self {
            start,
            end,
            open,
            close,
        })
    }
}

/// Byte offset of every UTF-16 offset of `text`, `None` inside a surrogate pair; one past the end.
fn utf16_boundaries(text: &str) -> Vec<Option<usize>> {
    let mut res = Vec::with_capacity(text.len() + 1);
    for (idx, c) in text.char_indices() {
        res.push(Some(idx));
        if c.len_utf16() == 2 {
            res.push(None);
        }
    }
    res.push(Some(text.len()));
    res
}

/// The opening and closing tags of an entity kind; `None` for kinds shown as plain text.
fn tags(kind: &EntityKind) -> Option<(String, &'static str)> {
    let res = match kind {
        EntityKind::Bold => ("<b>".to_owned(), "</b>"),
        EntityKind::Italic => ("<i>".to_owned(), "</i>"),
        EntityKind::Underline => ("<u>".to_owned(), "</u>"),
        EntityKind::Strikethrough => ("<s>".to_owned(), "</s>"),
        EntityKind::Spoiler => ("<tg-spoiler>".to_owned(), "</tg-spoiler>"),
        EntityKind::Code => ("<code>".to_owned(), "</code>"),
        EntityKind::Pre { language } => match language.as_deref().filter(|it| !it.is_empty()) {
            Some(language) => (
                format!("<pre><code class=\"language-{}\">", escape_attr(language)),
                "</code></pre>",
            ),
            None => ("<pre>".to_owned(), "</pre>"),
        },
        EntityKind::TextLink { url } => {
            if !is_allowed_link(url) {
                log::debug!("dropping a link with a scheme Telegram HTML should not carry");
                return None;
            }
            (format!("<a href=\"{}\">", escape_attr(url)), "</a>")
        }
        EntityKind::TextMention { user_id } => {
            (format!("<a href=\"tg://user?id={user_id}\">"), "</a>")
        }
        EntityKind::CustomEmoji { custom_emoji_id } => (
            format!("<tg-emoji emoji-id=\"{}\">", escape_attr(custom_emoji_id)),
            "</tg-emoji>",
        ),
        EntityKind::Blockquote => ("<blockquote>".to_owned(), "</blockquote>"),
        EntityKind::ExpandableBlockquote => ("<blockquote expandable>".to_owned(), "</blockquote>"),
        EntityKind::Other => return None,
    };
    Some(res)
}

/// Only web and Telegram links: a `javascript:` or `file:` link must not reach users.
fn is_allowed_link(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        ["http", "https", "tg"]
            .iter()
            .any(|it| scheme.eq_ignore_ascii_case(it))
    })
}

/// Writes the text with the tags of `spans` (sorted by start, longer first) around it.
fn render(text: &str, spans: &[Span]) -> String {
    let mut points: Vec<usize> = spans.iter().flat_map(|it| [it.start, it.end]).collect();
    points.sort_unstable();
    points.dedup();
    let mut res = String::with_capacity(text.len() + 16 * spans.len());
    // Indices into `spans` of the open tags, outermost first.
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    let mut pos = 0;
    for point in points {
        push_escaped(&mut res, text.get(pos..point).unwrap_or_default());
        pos = point;
        // Closing a tag closes every tag opened inside it; those still running are reopened.
        if let Some(lowest) = open.iter().position(|&idx| spans[idx].end == point) {
            let closed = open.split_off(lowest);
            for &idx in closed.iter().rev() {
                res.push_str(spans[idx].close);
            }
            for idx in closed {
                if spans[idx].end > point {
                    res.push_str(&spans[idx].open);
                    open.push(idx);
                }
            }
        }
        while let Some(span) = spans.get(next)
            && span.start == point
        {
            res.push_str(&span.open);
            open.push(next);
            next += 1;
        }
    }
    push_escaped(&mut res, text.get(pos..).unwrap_or_default());
    res
}

fn push_escaped(res: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '&' => res.push_str("&amp;"),
            c => res.push(c),
        }
    }
}

fn escape_attr(value: &str) -> String {
    let mut res = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => res.push_str("&quot;"),
            c => push_escaped(&mut res, c.encode_utf8(&mut [0; 4])),
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn entity(kind: EntityKind, offset: u32, length: u32) -> MessageEntity {
        MessageEntity {
            kind,
            offset,
            length,
        }
    }

    fn link(url: &str) -> EntityKind {
        EntityKind::TextLink {
            url: url.to_owned(),
        }
    }

    fn check(text: &str, entities: &[MessageEntity], expected: &str) {
        let html = entities_to_html(text, entities);
        assert_eq!(html, expected, "{text:?} with {entities:?}");
        check_well_formed(&html);
        assert_eq!(unescape(&strip_tags(&html)), text);
    }

    /// Every closing tag closes the innermost open tag, and all are closed at the end.
    fn check_well_formed(html: &str) {
        let mut open: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let len = rest[start..].find('>').expect("unterminated tag");
            let tag = &rest[start + 1..start + len];
            match tag.strip_prefix('/') {
                Some(name) => assert_eq!(open.pop().as_deref(), Some(name), "{html}"),
                None => open.push(tag.split(' ').next().unwrap_or_default().to_owned()),
            }
            rest = &rest[start + len + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?} in {html}");
    }

    fn strip_tags(html: &str) -> String {
        let mut res = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match (in_tag, c) {
                (false, '<') => in_tag = true,
                (true, '>') => in_tag = false,
                (false, c) => res.push(c),
                (true, _) => (),
            }
        }
        res
    }

    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn plain_text_is_escaped() {
        check("", &[], "");
        check(
            "a < b && c > d \"q\"",
            &[],
            "a &lt; b &amp;&amp; c &gt; d \"q\"",
        );
        check("<b>", &[entity(EntityKind::Bold, 0, 3)], "<b>&lt;b&gt;</b>");
    }

    #[test]
    fn nested_bold_and_italic() {
        check(
            "bold italic",
            &[
                entity(EntityKind::Italic, 5, 6),
                entity(EntityKind::Bold, 0, 11),
            ],
            "<b>bold <i>italic</i></b>",
        );
        // Equal ranges: the first entity is the outer tag.
        check(
            "abc",
            &[
                entity(EntityKind::Bold, 0, 3),
                entity(EntityKind::Italic, 0, 3),
            ],
            "<b><i>abc</i></b>",
        );
    }

    #[test]
    fn overlapping_ranges_are_closed_and_reopened() {
        check(
            "abcdef",
            &[
                entity(EntityKind::Bold, 0, 4),
                entity(EntityKind::Italic, 2, 4),
            ],
            "<b>ab<i>cd</i></b><i>ef</i>",
        );
        check(
            "abcdefgh",
            &[
                entity(EntityKind::Bold, 0, 6),
                entity(EntityKind::Italic, 2, 6),
                entity(EntityKind::Underline, 3, 2),
            ],
            "<b>ab<i>c<u>de</u>f</i></b><i>gh</i>",
        );
    }

    #[test]
    fn offsets_are_utf16_code_units() {
        // 😀 is two UTF-16 units, 👍🏽 four, é one.
        check("😀 hi", &[entity(EntityKind::Bold, 3, 2)], "😀 <b>hi</b>");
        check(
            "👍🏽é<x>",
            &[
                entity(EntityKind::Italic, 0, 4),
                entity(EntityKind::Code, 5, 3),
            ],
            "<i>👍🏽</i>é<code>&lt;x&gt;</code>",
        );
    }

    #[test]
    fn link_url_is_escaped_as_an_attribute() {
        check(
            "shop & more",
            &[entity(link("https://x.example/?a=1&b=\"2\"<"), 0, 4)],
            "<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;&lt;\">shop</a> &amp; more",
        );
        check(
            "me",
            &[entity(link("tg://resolve?domain=ajib"), 0, 2)],
            "<a href=\"tg://resolve?domain=ajib\">me</a>",
        );
    }

    #[test]
    fn links_to_other_schemes_stay_plain_text() {
        check(
            "click",
            &[entity(link("javascript:alert(1)"), 0, 5)],
            "click",
        );
        check("x", &[entity(link("JavaScript:x"), 0, 1)], "x");
        check("x", &[entity(link("no scheme"), 0, 1)], "x");
        check(
            "x",
            &[entity(link("HTTPS://a.example"), 0, 1)],
            "<a href=\"HTTPS://a.example\">x</a>",
        );
    }

    #[test]
    fn out_of_range_entities_are_dropped_or_clamped() {
        check("abc", &[entity(EntityKind::Bold, 3, 1)], "abc");
        check("abc", &[entity(EntityKind::Bold, 100, 1)], "abc");
        check(
            "abc",
            &[entity(EntityKind::Bold, u32::MAX, u32::MAX)],
            "abc",
        );
        check("abc", &[entity(EntityKind::Bold, 1, 0)], "abc");
        check("abc", &[entity(EntityKind::Bold, 1, 50)], "a<b>bc</b>");
        // Starting or ending inside 😀's surrogate pair.
        check("😀x", &[entity(EntityKind::Bold, 1, 2)], "😀x");
        check("😀x", &[entity(EntityKind::Bold, 0, 1)], "😀x");
    }

    #[test]
    fn every_kind_has_its_tag() {
        let cases = [
            (EntityKind::Underline, "<u>x</u>"),
            (EntityKind::Strikethrough, "<s>x</s>"),
            (EntityKind::Spoiler, "<tg-spoiler>x</tg-spoiler>"),
            (EntityKind::Code, "<code>x</code>"),
            (EntityKind::Pre { language: None }, "<pre>x</pre>"),
            (
                EntityKind::Pre {
                    language: Some(String::new()),
                },
                "<pre>x</pre>",
            ),
            (
                EntityKind::Pre {
                    language: Some("c\"++".to_owned()),
                },
                "<pre><code class=\"language-c&quot;++\">x</code></pre>",
            ),
            (
                EntityKind::TextMention { user_id: 42 },
                "<a href=\"tg://user?id=42\">x</a>",
            ),
            (
                EntityKind::CustomEmoji {
                    custom_emoji_id: "5368".to_owned(),
                },
                "<tg-emoji emoji-id=\"5368\">x</tg-emoji>",
            ),
            (EntityKind::Blockquote, "<blockquote>x</blockquote>"),
            (
                EntityKind::ExpandableBlockquote,
                "<blockquote expandable>x</blockquote>",
            ),
            (EntityKind::Other, "x"),
        ];
        for (kind, expected) in cases {
            check("x", &[entity(kind, 0, 1)], expected);
        }
    }

    fn any_kind() -> impl Strategy<Value = EntityKind> {
        prop_oneof![
            Just(EntityKind::Bold),
            Just(EntityKind::Italic),
            Just(EntityKind::Underline),
            Just(EntityKind::Strikethrough),
            Just(EntityKind::Spoiler),
            Just(EntityKind::Code),
            Just(EntityKind::Pre { language: None }),
            Just(EntityKind::Pre {
                language: Some("a<&\"".to_owned())
            }),
            Just(link("https://e.example/?a=<&b=\"c\">")),
            Just(link("javascript:alert(1)")),
            Just(EntityKind::TextMention { user_id: -7 }),
            Just(EntityKind::CustomEmoji {
                custom_emoji_id: "1".to_owned()
            }),
            Just(EntityKind::Blockquote),
            Just(EntityKind::ExpandableBlockquote),
            Just(EntityKind::Other),
        ]
    }

    proptest! {
        #[test]
        fn html_is_well_formed_and_keeps_the_text(
            text in "[ab <>&\"\n😀👍🏽éب]{0,24}",
            entities in prop::collection::vec((any_kind(), 0..40_u32, 0..40_u32), 0..8),
        ) {
            let entities: Vec<MessageEntity> = entities
                .into_iter()
                .map(|(kind, offset, length)| entity(kind, offset, length))
                .collect();
            let html = entities_to_html(&text, &entities);
            check_well_formed(&html);
            prop_assert_eq!(unescape(&strip_tags(&html)), text);
        }
    }
}
