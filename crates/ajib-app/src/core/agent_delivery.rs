//! What an agent's account delivers once it is made: to a customer of the
//! agent's bot, their configs in that bot; to the agent, the configs named
//! with the account's label; for a bulk purchase, one text file with every
//! account's configs once all of them are made.

use ajib_domain::{Order, Service, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{Batch, NewMail, NewService, OrderAgent};
use ajib_transport::Outgoing;

use crate::{
    agent_bots::notices,
    core::{delivery, mail, notify},
    deps::{Deps, now},
    format::date,
};

/// The mail of a new agent account (`None`: the order is not a bot sale and
/// not part of a batch, so the ordinary customer messages apply, see [`label_line`]).
pub async fn bot_or_batch_mail(
    deps: &Deps,
    sale: &OrderAgent,
    service: &NewService,
) -> anyhow::Result<Option<Vec<NewMail>>> {
    if sale.batch.is_some() {
        // The batch's file carries the configs.
        return Ok(Some(Vec::new()));
    }
    let Some(customer) = sale.customer else {
        return Ok(None);
    };
    let lang = notices::bot_customer_lang(deps, sale.agent, customer).await;
    let terms = deps.store.get_agent(sale.agent).await?;
    let brand = terms.and_then(|it| it.brand).unwrap_or_default();
    let name = delivery::plan_name(deps, lang, service.plan).await;
    let expires = date(lang, service.expires);
    let ready = Outgoing::Text {
        chat_id: customer.0,
        text: deps.t(
            lang,
            "ab-account-ready",
            &[
                ("brand", Arg::from(brand.as_str())),
                ("name", Arg::from(name.as_str())),
                ("expires", Arg::from(expires.as_str())),
            ],
        ),
        keyboard: None,
        html: true,
    };
    let mut messages = vec![ready];
    let configs = notices::config_messages(
        deps,
        customer.0,
        lang,
        service.panel,
        &service.blitz_username,
    );
    messages.extend(configs.await?);
    Ok(Some(
        messages
            .iter()
            .map(|msg| NewMail {
                bot: Some(sale.agent),
                ..mail::message(msg)
            })
            .collect(),
    ))
}

/// A renewal bought in an agent's bot, told to its customer there (`None`
/// for any other renewal: the ordinary message to the order's user applies).
pub async fn bot_renewal_mail(
    deps: &Deps,
    sale: &OrderAgent,
    service: &Service,
    new_expires: UnixTime,
) -> Option<Vec<NewMail>> {
    let customer = sale.customer?;
    let lang = notices::bot_customer_lang(deps, sale.agent, customer).await;
    let name = delivery::plan_name(deps, lang, service.plan).await;
    let expires = date(lang, new_expires);
    let args = [
        ("name", Arg::from(name.as_str())),
        ("expires", Arg::from(expires.as_str())),
    ];
    let done = Outgoing::Text {
        chat_id: customer.0,
        text: deps.t(lang, "ab-renewal-done", &args),
        keyboard: None,
        html: true,
    };
    Some(vec![NewMail {
        bot: Some(sale.agent),
        ..mail::message(&done)
    }])
}

/// The line that names an agent's account for the agent, before its configs.
pub async fn label_line(deps: &Deps, order: &Order, sale: &OrderAgent) -> Option<NewMail> {
    let label = sale.label.as_deref()?;
    Some(
        notify::user_mail(
            deps,
            order.user,
            "agent-account-for",
            &[("label", Arg::from(label))],
            None,
        )
        .await,
    )
}

/// Sends the file of every bulk purchase whose accounts are all made, once.
pub async fn deliver_batches(deps: &Deps) {
    let ready = match deps.store.batches_ready().await {
        Ok(ready) => ready,
        Err(err) => return log::error!("cannot read the bulk purchases: {err}"),
    };
    for batch in ready {
        let file = match batch_file(deps, &batch).await {
            Ok(file) => file,
            Err(err) => {
                // Tried again after the next account is made or the next start.
                log::warn!("bulk purchase {}'s file not ready: {err:#}", batch.id);
                continue;
            }
        };
        match deps
            .store
            .deliver_batch(batch.id, vec![mail::message(&file)], now())
            .await
        {
            Ok(true) => mail::wake(),
            Ok(false) => (),
            Err(err) => log::error!("bulk purchase {}'s file not queued: {err}", batch.id),
        }
    }
}

/// One text file: per account its name, `hy2://` URI and subscription link.
async fn batch_file(deps: &Deps, batch: &Batch) -> anyhow::Result<Outgoing> {
    let lang = notify::lang_of(deps, batch.agent).await;
    let plan = delivery::plan_name(deps, lang, Some(batch.plan)).await;
    let mut text = format!("# {plan} × {}\n\n", batch.accounts.len());
    for account in &batch.accounts {
        let name = account.blitz_username.clone();
        let links = deps
            .blitz(account.panel, "user_links", move |client| {
                client.user_links(&name)
            })
            .await?;
        let uri = links
            .ipv4
            .or(links.ipv6)
            .or_else(|| links.nodes.first().map(|it| it.uri.clone()));
        text.push_str(&format!(
            "{}\n{}\n{}\n\n",
            account.label.as_deref().unwrap_or(&account.blitz_username),
            uri.unwrap_or_default(),
            links.normal_sub.unwrap_or_default()
        ));
    }
    let count = batch.accounts.len().to_string();
    Ok(Outgoing::Document {
        chat_id: batch.agent.0,
        bytes: text.into_bytes(),
        file_name: format!("accounts-{}.txt", batch.id),
        caption: Some(deps.label(
            lang,
            "agent-batch-file",
            &[
                ("count", Arg::from(count.as_str())),
                ("name", Arg::from(plan.as_str())),
            ],
        )),
    })
}
