//! Issuing a Heleket invoice for one of our references (an order or a top-up).

use std::time::Duration;

use ajib_domain::{Invoice, Money, UnixTime};

use crate::deps::{Deps, now};

/// Most invoices being created at once: a Heleket that hangs holds this many
/// threads for its timeout, not one per customer pressing Pay.
pub const INVOICE_CALLS: usize = 16;

/// How long a Pay press waits for a free slot before it is told to try again.
const INVOICE_WAIT: Duration = Duration::from_secs(5);

/// Asks Heleket for an invoice of `amount` under `reference` (Heleket's
/// `order_id`, which makes a repeated call return the same invoice).
pub async fn issue(
    deps: &Deps,
    reference: String,
    amount: Money,
    note: String,
) -> anyhow::Result<Invoice> {
    let settings = &deps.settings;
    let request = heleket::CreateInvoice {
        amount: amount.to_decimal_string(),
        currency: amount.currency().code().to_owned(),
        order_id: reference,
        url_callback: settings.heleket_callback_url.clone(),
        url_return: None,
        url_success: None,
        lifetime: Some(settings.invoice_lifetime_secs),
        to_currency: None,
        network: settings.invoice_network.clone(),
        additional_data: Some(note),
        is_payment_multiple: None,
    };
    let Ok(Ok(_slot)) = tokio::time::timeout(INVOICE_WAIT, deps.invoice_calls.acquire()).await
    else {
        anyhow::bail!(
            "{INVOICE_CALLS} invoices are being created and none finished within {INVOICE_WAIT:?}"
        );
    };
    let client = deps.heleket.clone();
    let invoice = deps
        .metrics
        .heleket
        .run("create_invoice", move || client.create_invoice(&request))
        .await??;
    let Some(url) = invoice.url.clone() else {
        anyhow::bail!(
            "heleket returned invoice {} without a payment url",
            invoice.uuid
        );
    };
    let fallback_expiry = now().plus_secs(i64::from(settings.invoice_lifetime_secs));
    Ok(Invoice {
        uuid: invoice.uuid,
        url,
        expires: invoice.expired_at.map_or(fallback_expiry, UnixTime),
    })
}

/// What Heleket says now about the invoice `uuid`.
pub async fn info(deps: &Deps, uuid: &str) -> anyhow::Result<heleket::Invoice> {
    let client = deps.heleket.clone();
    let uuid = uuid.to_owned();
    let info = deps
        .metrics
        .heleket
        .run("invoice_info", move || {
            client.invoice_info(&heleket::InvoiceRef::Uuid(uuid))
        })
        .await??;
    Ok(info)
}
