//! The fake's payment page: a small HTML form per invoice.

use std::fmt::Write;

use crate::heleket::FakeInvoice;

/// The page at `GET /pay/{uuid}`; `notice` is shown above the buttons.
pub(crate) fn render(invoice: &FakeInvoice, notice: Option<&str>) -> String {
    let mut res = String::new();
    let uuid = escape(&invoice.uuid);
    let _ = write!(
        res,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fake Heleket — pay {amount} {currency}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }}
main {{ max-width: 26rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem;
       border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.2rem; margin-top: 0; }}
dl {{ display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; }}
dt {{ color: #666; }} dd {{ margin: 0; font-weight: 600; word-break: break-all; }}
.actions {{ display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; margin-top: 1.2rem; }}
button {{ width: 100%; padding: .7rem; border: 0; border-radius: 8px; font-size: 1rem; cursor: pointer; }}
button[value=paid] {{ background: #1a7f37; color: #fff; }}
button[value=paid_over] {{ background: #2da44e; color: #fff; }}
button[value=wrong_amount] {{ background: #bf8700; color: #fff; }}
button[value=cancel] {{ background: #cf222e; color: #fff; }}
button:disabled {{ background: #ccc; cursor: default; }}
.notice {{ background: #fff8c5; padding: .6rem; border-radius: 8px; }}
footer {{ color: #888; font-size: .8rem; margin-top: 1.2rem; }}
</style>
</head>
<body>
<main>
<h1>Fake Heleket payment</h1>
<dl>
<dt>Amount</dt><dd id="amount">{amount} {currency}</dd>
<dt>Order</dt><dd id="order">{order}</dd>
<dt>Status</dt><dd id="status">{status}</dd>
<dt>Invoice</dt><dd>{uuid}</dd>
</dl>
"#,
        amount = escape(&invoice.amount),
        currency = escape(&invoice.currency),
        order = escape(&invoice.order_id),
        status = escape(&invoice.status),
    );
    if let Some(notice) = notice {
        let _ = writeln!(res, r#"<p class="notice">{}</p>"#, escape(notice));
    }
    let disabled = if invoice.is_final() { " disabled" } else { "" };
    let _ = write!(
        res,
        r#"<form method="post" action="/pay/{uuid}" class="actions">"#
    );
    for (value, label) in [
        ("paid", "Pay"),
        ("paid_over", "Pay over"),
        ("wrong_amount", "Wrong amount"),
        ("cancel", "Cancel"),
    ] {
        let _ = write!(
            res,
            r#"<button type="submit" name="outcome" value="{value}"{disabled}>{label}</button>"#
        );
    }
    res.push_str("</form>\n");
    if let Some(url) = &invoice.url_return {
        let _ = writeln!(
            res,
            r#"<p><a href="{}">Back to the shop</a></p>"#,
            escape(url)
        );
    }
    res.push_str(
        "<footer>This is a test double; no money moves.</footer>\n</main>\n</body>\n</html>\n",
    );
    res
}

/// Escapes text for HTML element content and quoted attributes.
fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => res.push_str("&amp;"),
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '"' => res.push_str("&quot;"),
            '\'' => res.push_str("&#39;"),
            c => res.push(c),
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
