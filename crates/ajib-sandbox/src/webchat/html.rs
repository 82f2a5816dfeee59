//! Telegram's HTML subset turned into HTML a browser can show safely, and a message's text direction.
//!
//! The bot's texts use Telegram's `parse_mode=HTML`: a handful of tags and four named entities.
//! [`telegram_html`] keeps exactly those tags (normalised, with no attributes except a checked
//! `href`), balances them, and escapes everything else, so its output can go into `innerHTML`.

/// Tags the output may contain; every other `<` in the input comes out escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Bold,
    Italic,
    Underline,
    Strike,
    Code,
    Pre,
    Quote,
    Link,
    Spoiler,
    Span,
}

/// One tag as parsed from the input.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Open { tag: Tag, href: Option<String> },
    Close(Tag),
}

/// Turns Telegram-flavoured HTML into HTML that is safe to assign to `innerHTML`.
#[must_use]
pub(crate) fn telegram_html(text: &str) -> String {
    let mut res = String::with_capacity(text.len() + 16);
    let mut open: Vec<Tag> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && let Some(token) = parse_tag(&rest[1..end])
        {
            emit(token, &mut open, &mut res);
            rest = &rest[end + 1..];
            continue;
        }
        if c == '&'
            && let Some(len) = entity_len(rest)
        {
            res.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        push_escaped(c, &mut res);
        rest = &rest[c.len_utf8()..];
    }
    while let Some(tag) = open.pop() {
        res.push_str(closing(tag));
    }
    res
}

/// Escapes plain text for HTML.
#[must_use]
pub(crate) fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(c, &mut res);
    }
    res
}

/// The text of Telegram HTML without its tags (entities are left as they are).
#[must_use]
pub(crate) fn strip_tags(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, _) => res.push(c),
            (true, _) => (),
        }
    }
    res
}

/// `"rtl"` when most letters of the text are Arabic script (Persian included), otherwise `"auto"`.
#[must_use]
pub(crate) fn direction(text: &str) -> &'static str {
    let (mut n_rtl, mut n_other) = (0usize, 0usize);
    for c in text.chars().filter(|it| it.is_alphabetic()) {
        match is_arabic_script(c) {
            true => n_rtl += 1,
            false => n_other += 1,
        }
    }
    match n_rtl > n_other {
        true => "rtl",
        false => "auto",
    }
}

fn is_arabic_script(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
    )
}

fn push_escaped(c: char, res: &mut String) {
    match c {
        '<' => res.push_str("&lt;"),
        '>' => res.push_str("&gt;"),
        '&' => res.push_str("&amp;"),
        '"' => res.push_str("&quot;"),
        '\'' => res.push_str("&#39;"),
        _ => res.push(c),
    }
}

/// Writes a parsed tag, keeping the output balanced: a stray closing tag is dropped.
fn emit(token: Token, open: &mut Vec<Tag>, res: &mut String) {
    match token {
        Token::Open { tag, href } => {
            open.push(tag);
            match (tag, href) {
                (Tag::Link, Some(href)) => {
                    res.push_str("<a href=\"");
                    res.push_str(&escape(&href));
                    res.push_str("\" target=\"_blank\" rel=\"noopener noreferrer\">");
                }
                _ => res.push_str(opening(tag)),
            }
        }
        Token::Close(tag) => {
            if !open.iter().any(|it| closes(tag, *it)) {
                return;
            }
            while let Some(top) = open.pop() {
                res.push_str(closing(top));
                if closes(tag, top) {
                    break;
                }
            }
        }
    }
}

/// Whether a closing tag ends this open one: `</span>` (as parsed) ends any span-like tag.
fn closes(close: Tag, open: Tag) -> bool {
    close == open || (close == Tag::Span && open == Tag::Spoiler)
}

fn opening(tag: Tag) -> &'static str {
    match tag {
        Tag::Bold => "<b>",
        Tag::Italic => "<i>",
        Tag::Underline => "<u>",
        Tag::Strike => "<s>",
        Tag::Code => "<code>",
        Tag::Pre => "<pre>",
        Tag::Quote => "<blockquote>",
        Tag::Link => "<a>",
        Tag::Spoiler => "<span class=\"spoiler\">",
        Tag::Span => "<span>",
    }
}

fn closing(tag: Tag) -> &'static str {
    match tag {
        Tag::Bold => "</b>",
        Tag::Italic => "</i>",
        Tag::Underline => "</u>",
        Tag::Strike => "</s>",
        Tag::Code => "</code>",
        Tag::Pre => "</pre>",
        Tag::Quote => "</blockquote>",
        Tag::Link => "</a>",
        Tag::Spoiler | Tag::Span => "</span>",
    }
}

/// Parses what is between `<` and `>`; `None` when it is not a tag Telegram knows.
fn parse_tag(inner: &str) -> Option<Token> {
    let (is_close, body) = match inner.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, inner),
    };
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(body.len());
    let name = body[..name_len].to_ascii_lowercase();
    let attrs = parse_attrs(&body[name_len..])?;
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    };
    let tag = match name.as_str() {
        "b" | "strong" => Tag::Bold,
        "i" | "em" => Tag::Italic,
        "u" | "ins" => Tag::Underline,
        "s" | "strike" | "del" => Tag::Strike,
        "code" => Tag::Code,
        "pre" => Tag::Pre,
        "blockquote" => Tag::Quote,
        "a" => Tag::Link,
        "tg-spoiler" => Tag::Spoiler,
        "span" if is_close => Tag::Span,
        "span" if attr("class") == Some("tg-spoiler") => Tag::Spoiler,
        "tg-emoji" => Tag::Span,
        _ => return None,
    };
    // `</span>` closes whichever span-like tag is open.
    let tag = match (is_close, tag) {
        (true, Tag::Spoiler) => Tag::Span,
        _ => tag,
    };
    if is_close {
        return match attrs.is_empty() {
            true => Some(Token::Close(tag)),
            false => None,
        };
    }
    let href = match tag {
        Tag::Link => attr("href")
            .map(decode_entities)
            .filter(|it| is_safe_url(it)),
        _ => None,
    };
    Some(Token::Open { tag, href })
}

/// Splits `key="value" key='value' key=value key` pairs; `None` on an unclosed quote.
fn parse_attrs(mut rest: &str) -> Option<Vec<(String, String)>> {
    let mut res = Vec::new();
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(res);
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let value = match rest.strip_prefix('=') {
            None => String::new(),
            Some(after) => {
                let after = after.trim_start();
                match after.chars().next() {
                    Some(quote @ ('"' | '\'')) => {
                        let end = after[1..].find(quote)? + 1;
                        rest = &after[end + 1..];
                        after[1..end].to_owned()
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        rest = &after[end..];
                        after[..end].to_owned()
                    }
                }
            }
        };
        res.push((name, value));
    }
}

/// Length of the entity `text` starts with, if it is one Telegram accepts.
fn entity_len(text: &str) -> Option<usize> {
    let end = text.get(..12).unwrap_or(text).find(';')?;
    let body = &text[1..end];
    let valid = match body.strip_prefix('#') {
        Some(num) => {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            code.and_then(char::from_u32).is_some()
        }
        None => matches!(body, "lt" | "gt" | "amp" | "quot"),
    };
    valid.then_some(end + 1)
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "tg://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use crate::webchat::html::{direction, strip_tags, telegram_html};

    fn check_html(input: &str, expected: &str) {
        assert_eq!(telegram_html(input), expected, "input: {input:?}");
    }

    #[test]
    fn plain_text_is_escaped() {
        check_html(
            "1 < 2 > 0 \"q\" 'a'",
            "1 &lt; 2 &gt; 0 &quot;q&quot; &#39;a&#39;",
        );
    }

    #[test]
    fn supported_tags_are_kept_and_aliases_normalised() {
        check_html(
            "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><del>d</del><code>c</code>",
            "<b>b</b><b>s</b><i>i</i><i>e</i><u>u</u><u>n</u><s>s</s><s>d</s><code>c</code>",
        );
        check_html(
            "<pre><code class=\"language-rust\">fn</code></pre>",
            "<pre><code>fn</code></pre>",
        );
        check_html(
            "<blockquote expandable>q</blockquote>",
            "<blockquote>q</blockquote>",
        );
    }

    #[test]
    fn spoilers_become_spans() {
        check_html(
            "<tg-spoiler>a</tg-spoiler> <span class=\"tg-spoiler\">b</span>",
            "<span class=\"spoiler\">a</span> <span class=\"spoiler\">b</span>",
        );
    }

    #[test]
    fn unknown_tags_and_attributes_do_not_get_through() {
        check_html(
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        );
        check_html("<b onclick=\"x()\">hi</b>", "<b>hi</b>");
        check_html(
            "<img src=x onerror=alert(1)>",
            "&lt;img src=x onerror=alert(1)&gt;",
        );
        check_html("<span>x</span>", "&lt;span&gt;x");
        check_html("<b title=\"unclosed>x", "&lt;b title=&quot;unclosed&gt;x");
    }

    #[test]
    fn links_keep_only_safe_hrefs() {
        check_html(
            "<a href=\"https://pay.example/i?a=1&amp;b=2\">pay</a>",
            "<a href=\"https://pay.example/i?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer\">pay</a>",
        );
        check_html(
            "<a href=\"tg://resolve?domain=ajib\">t</a>",
            "<a href=\"tg://resolve?domain=ajib\" target=\"_blank\" rel=\"noopener noreferrer\">t</a>",
        );
        check_html("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>");
        check_html(
            "<a href='\"><script>'>x</a>",
            "&lt;a href=&#39;&quot;&gt;&lt;script&gt;&#39;&gt;x",
        );
    }

    #[test]
    fn output_is_balanced() {
        check_html("<b><i>x</b> y", "<b><i>x</i></b> y");
        check_html("</i>x<b>y", "x<b>y</b>");
    }

    #[test]
    fn telegram_entities_pass_and_others_are_escaped() {
        check_html(
            "&lt;&gt;&amp;&quot;&#1740;&#x1F600;",
            "&lt;&gt;&amp;&quot;&#1740;&#x1F600;",
        );
        check_html("&nbsp; &#xD800; AT&T", "&amp;nbsp; &amp;#xD800; AT&amp;T");
    }

    #[test]
    fn persian_text_reads_right_to_left() {
        assert_eq!(direction("سلام! پلن ۳۰ روزه: 5 USDT"), "rtl");
        assert_eq!(direction("Hello, pick a plan"), "auto");
        assert_eq!(direction("AJIB VPN — خرید"), "auto");
        assert_eq!(
            direction(&strip_tags(
                "<b>AJIB</b> <a href=\"https://x.example\">خرید اشتراک</a>"
            )),
            "rtl"
        );
        assert_eq!(direction("12345 😀"), "auto");
    }
}
