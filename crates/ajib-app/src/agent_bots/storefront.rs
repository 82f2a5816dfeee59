//! What the customers of an agent's bot see: the agent's brand, their plans
//! at the agent's retail prices, a Heleket invoice on the owner's account,
//! their own accounts and the agent's support contact.
//!
//! A deliberately small shop: no staff screens, no roles (an owner writing
//! to an agent's bot is a customer there), no balance. Every order, account
//! and invoice it shows is looked up with the agent *and* the customer, so a
//! forged button reaches nothing of anyone else's.

pub mod tap;

use std::sync::Arc;

use ajib_domain::{Lang, OrderId, OrderStatus, PlanId, ServiceId, ServiceStatus, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{Agent, AgentCustomer, BotPayments, Error as StoreError};
use ajib_transport::{
    CallbackQuery, FloodVerdict, IncomingMessage, InlineButton, Keyboard, Outgoing, Priority,
    Update,
};

use crate::{
    agent_bots::{
        notices::{config_messages, customer_lang},
        registry::RunningBot,
    },
    core::{delivery, invoice, payments},
    deps::{Deps, now},
    format::{date, price},
    keyboards::{inline, link},
};

pub use tap::Tap;

/// Who is shopping in which bot, and in what language.
struct Shopper<'a> {
    deps: &'a Deps,
    bot: &'a RunningBot,
    agent: Agent,
    customer: AgentCustomer,
    chat: i64,
    lang: Lang,
}

/// Handles one update of an agent's bot; failures are logged and told as one line.
pub async fn handle(deps: &Arc<Deps>, bot: &RunningBot, update: Update) {
    let received = std::time::Instant::now();
    let res = ajib_transport::replying_to(received, async {
        match update {
            Update::Message(msg) => on_message(deps, bot, msg).await,
            Update::Callback(query) => on_callback(deps, bot, query).await,
            Update::ChatMember(_) | Update::PreCheckout(_) => Ok(()),
        }
    })
    .await;
    if let Err(err) = res {
        log::warn!("agent {}'s bot @{}: {err:#}", bot.agent, bot.username);
    }
}

async fn on_message(deps: &Deps, bot: &RunningBot, msg: IncomingMessage) -> anyhow::Result<()> {
    if msg.chat_id != msg.from.id || !admitted(deps, bot, &msg.from) {
        return Ok(());
    }
    let Some(shopper) = shopper(deps, bot, &msg.from).await? else {
        return Ok(());
    };
    let text = msg.text.as_deref().unwrap_or_default().trim();
    let screen = match text.split_whitespace().next() {
        Some("/support") => shopper.support(),
        Some("/accounts") => shopper.accounts().await?,
        Some("/buy") => shopper.plans().await?,
        _ => shopper.menu(),
    };
    shopper.send(screen, None);
    Ok(())
}

async fn on_callback(deps: &Deps, bot: &RunningBot, query: CallbackQuery) -> anyhow::Result<()> {
    let answer = Outgoing::AnswerCallback {
        callback_id: query.id.clone(),
        text: None,
        alert: false,
    };
    bot.outbox.enqueue(answer, Priority::Interactive);
    if query.chat_id != query.from.id || !admitted(deps, bot, &query.from) {
        return Ok(());
    }
    let Some(shopper) = shopper(deps, bot, &query.from).await? else {
        return Ok(());
    };
    let Some(tap) = Tap::decode(&query.data) else {
        shopper.send(shopper.line("ab-stale", &[]), None);
        return Ok(());
    };
    let edit = Some(query.message_id);
    match tap {
        Tap::Menu => shopper.send(shopper.menu(), edit),
        Tap::Plans => shopper.send(shopper.plans().await?, edit),
        Tap::Accounts => shopper.send(shopper.accounts().await?, edit),
        Tap::Support => shopper.send(shopper.support(), edit),
        Tap::Languages => shopper.send(shopper.languages(), edit),
        Tap::Language(lang) => shopper.set_language(lang, query.message_id).await?,
        Tap::Buy(plan) => shopper.buy(plan, None).await?,
        Tap::Renew(service) => shopper.renew(service).await?,
        Tap::Check(order) => shopper.check(order).await?,
        Tap::Configs(service) => shopper.configs(service).await?,
    }
    Ok(())
}

/// Applies the bot's per-user flood limit, telling the user once per window.
fn admitted(deps: &Deps, bot: &RunningBot, from: &ajib_transport::UserInfo) -> bool {
    let verdict = match bot.flood.lock() {
        Ok(mut guard) => guard.check(from.id, std::time::Instant::now()),
        Err(_) => FloodVerdict::Allow,
    };
    match verdict {
        FloodVerdict::Allow => true,
        FloodVerdict::DenySilently => false,
        FloodVerdict::DenyAndNotify => {
            let lang = customer_lang(deps, None, from.language_code.as_deref());
            let notice = Outgoing::Text {
                chat_id: from.id,
                text: deps.t(lang, "flood-notice", &[]),
                keyboard: None,
                html: true,
            };
            bot.outbox.enqueue(notice, Priority::Interactive);
            false
        }
    }
}

/// The customer as the agent's bot knows them; `None` (after saying why) when
/// the agent can no longer be served.
async fn shopper<'a>(
    deps: &'a Deps,
    bot: &'a RunningBot,
    from: &ajib_transport::UserInfo,
) -> anyhow::Result<Option<Shopper<'a>>> {
    let Some(agent) = deps.store.get_agent(bot.agent).await? else {
        return Ok(None);
    };
    let customer = deps
        .store
        .seen_by_agent_bot(bot.agent, TelegramId(from.id), &from.first_name, now())
        .await?;
    let lang = customer_lang(deps, customer.lang, from.language_code.as_deref());
    Ok(Some(Shopper {
        deps,
        bot,
        agent,
        chat: from.id,
        customer,
        lang,
    }))
}

/// A screen: its text and buttons.
type Screen = (String, Option<Keyboard>);

impl Shopper<'_> {
    fn brand(&self) -> String {
        self.agent
            .brand
            .clone()
            .unwrap_or_else(|| format!("@{}", self.bot.username))
    }

    fn line(&self, id: &str, args: &[(&str, Arg<'_>)]) -> Screen {
        (self.deps.t(self.lang, id, args), None)
    }

    fn label(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.deps.label(self.lang, id, args)
    }

    fn button(&self, id: &str, tap: Tap) -> InlineButton {
        tap.button(self.label(id, &[]))
    }

    fn back(&self) -> Vec<InlineButton> {
        vec![self.button("ab-btn-menu", Tap::Menu)]
    }

    fn menu(&self) -> Screen {
        let brand = self.brand();
        let text = self.deps.t(
            self.lang,
            "ab-welcome",
            &[
                ("brand", Arg::from(brand.as_str())),
                ("name", Arg::from(self.customer.first_name.as_str())),
            ],
        );
        let rows = vec![
            vec![self.button("ab-btn-buy", Tap::Plans)],
            vec![self.button("ab-btn-accounts", Tap::Accounts)],
            vec![
                self.button("ab-btn-support", Tap::Support),
                self.button("ab-btn-lang", Tap::Languages),
            ],
        ];
        (text, Some(inline(rows)))
    }

    fn support(&self) -> Screen {
        let (text, _) = match &self.agent.support {
            Some(contact) => self.line("ab-support", &[("support", Arg::from(contact.as_str()))]),
            None => self.line("ab-support-none", &[]),
        };
        (text, Some(inline(vec![self.back()])))
    }

    fn languages(&self) -> Screen {
        let rows = self
            .deps
            .texts
            .languages()
            .into_iter()
            .map(|lang| {
                let name = self.deps.label(lang, "lang-name", &[]);
                vec![Tap::Language(lang).button(name)]
            })
            .collect();
        (
            self.deps.t(self.lang, "ab-choose-language", &[]),
            Some(inline(rows)),
        )
    }

    async fn set_language(mut self, lang: Lang, message: i32) -> anyhow::Result<()> {
        if !self.deps.texts.speaks(lang) {
            return Ok(());
        }
        self.deps
            .store
            .set_agent_customer_lang(self.agent.user, self.customer.user, lang)
            .await?;
        self.lang = lang;
        self.send(self.menu(), Some(message));
        Ok(())
    }

    /// Why this bot sells nothing now, if it does not.
    fn closed(&self) -> Option<Screen> {
        let brand = self.brand();
        let brand = Arg::from(brand.as_str());
        if self.agent.suspended {
            return Some(self.line("ab-closed", &[("brand", brand)]));
        }
        if self.agent.bot_payments == BotPayments::None {
            let support = self.agent.support.clone().unwrap_or_default();
            return Some(self.line(
                "ab-no-payments",
                &[("brand", brand), ("support", Arg::from(support.as_str()))],
            ));
        }
        None
    }

    async fn plans(&self) -> anyhow::Result<Screen> {
        if let Some((text, _)) = self.closed() {
            return Ok((text, Some(inline(vec![self.back()]))));
        }
        let mut rows = Vec::new();
        for offer in self.deps.store.agent_prices(self.agent.user).await? {
            let Some(plan) = self.deps.store.get_plan(offer.plan).await? else {
                continue;
            };
            let amount = price(self.lang, offer.retail);
            let label = self.label(
                "ab-plan-button",
                &[
                    ("name", Arg::from(plan.name_in(self.lang))),
                    ("price", Arg::from(amount.as_str())),
                ],
            );
            rows.push(vec![Tap::Buy(plan.id).button(label)]);
        }
        rows.push(self.back());
        let (text, _) = self.line("ab-plans", &[]);
        Ok((text, Some(inline(rows))))
    }

    /// Renews one of the customer's accounts with its plan: an invoice like a purchase's.
    async fn renew(&self, service: ServiceId) -> anyhow::Result<()> {
        let account = self
            .deps
            .store
            .customer_account(self.agent.user, self.customer.user, service)
            .await?;
        match account.and_then(|it| it.service.plan) {
            Some(plan) => self.buy(plan, Some(service)).await,
            None => {
                self.send(self.line("ab-stale", &[]), None);
                Ok(())
            }
        }
    }

    /// Makes the order (a new account, or renewing `renews`) and its
    /// invoice: the invoice asks the retail price.
    async fn buy(&self, plan: PlanId, renews: Option<ServiceId>) -> anyhow::Result<()> {
        if let Some(screen) = self.closed() {
            self.send(screen, None);
            return Ok(());
        }
        let order = match self
            .deps
            .store
            .create_bot_order(self.agent.user, self.customer.user, plan, renews, now())
            .await
        {
            Ok(order) => order,
            Err(StoreError::AgentSuspended) => {
                self.send(self.closed_now(), None);
                return Ok(());
            }
            Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => {
                self.send(self.line("ab-stale", &[]), None);
                return Ok(());
            }
            Err(err) => return Err(err.into()),
        };
        let note = format!("agent {} plan {}", self.agent.user, plan);
        let issued = invoice::issue(
            self.deps,
            order.id.invoice_ref(),
            order.invoice_amount,
            note,
        )
        .await;
        let invoice = match issued {
            Ok(invoice) => invoice,
            Err(err) => {
                log::warn!(
                    "invoice for agent {}'s order {} failed: {err:#}",
                    self.agent.user,
                    order.id
                );
                self.send(self.line("ab-error", &[]), None);
                return Ok(());
            }
        };
        let next_poll = now().plus_secs(payments::POLL_INTERVAL_SECS);
        let order = self
            .deps
            .store
            .set_invoiced(order.id, &invoice, next_poll, now())
            .await?;
        let name = self
            .deps
            .store
            .get_plan(plan)
            .await?
            .map(|it| it.name_in(self.lang).to_owned());
        let amount = price(self.lang, order.invoice_amount);
        let expires = date(self.lang, invoice.expires);
        let text = self.deps.t(
            self.lang,
            "ab-invoice",
            &[
                ("name", Arg::from(name.unwrap_or_default().as_str())),
                ("price", Arg::from(amount.as_str())),
                ("expires", Arg::from(expires.as_str())),
            ],
        );
        let rows = vec![
            vec![link(self.label("ab-btn-pay", &[]), invoice.url)],
            vec![self.button("ab-btn-check", Tap::Check(order.id))],
        ];
        self.send((text, Some(inline(rows))), None);
        Ok(())
    }

    fn closed_now(&self) -> Screen {
        let brand = self.brand();
        self.line("ab-closed", &[("brand", Arg::from(brand.as_str()))])
    }

    /// "I paid — check": asks Heleket now; the settlement's own notice says the rest.
    async fn check(&self, id: OrderId) -> anyhow::Result<()> {
        let Some(order) = self
            .deps
            .store
            .bot_order(self.agent.user, self.customer.user, id)
            .await?
        else {
            self.send(self.line("ab-stale", &[]), None);
            return Ok(());
        };
        if order.invoice.is_some() && !order.status.is_paid() {
            match payments::reconcile(self.deps, &order).await {
                Ok(payments::Reconciled::Pending) | Err(_) => {
                    self.send(self.line("ab-pending", &[]), None);
                    return Ok(());
                }
                Ok(payments::Reconciled::Expired | payments::Reconciled::AlreadyPaid) => (),
                Ok(_) => return Ok(()),
            }
        }
        let status = self
            .deps
            .store
            .get_order(id)
            .await?
            .map_or(order.status, |it| it.status);
        let line = match status {
            OrderStatus::Paid | OrderStatus::Provisioned => "ab-paid",
            OrderStatus::Expired => "ab-payment-expired",
            _ => "ab-pending",
        };
        self.send(self.line(line, &[]), None);
        Ok(())
    }

    async fn accounts(&self) -> anyhow::Result<Screen> {
        let accounts = self
            .deps
            .store
            .customer_accounts(self.agent.user, self.customer.user)
            .await?;
        if accounts.is_empty() {
            let (text, _) = self.line("ab-accounts-none", &[]);
            return Ok((text, Some(inline(vec![self.back()]))));
        }
        let mut lines = vec![self.deps.t(self.lang, "ab-accounts", &[])];
        let mut rows = Vec::new();
        for account in accounts {
            let service = &account.service;
            let name = delivery::display_name(self.deps, self.lang, service).await;
            let expires = date(self.lang, service.expires);
            let status = match service.status {
                ServiceStatus::Active => "ab-status-active",
                ServiceStatus::Expired => "ab-status-expired",
                ServiceStatus::Disabled => "ab-status-disabled",
            };
            let status = self.label(status, &[]);
            lines.push(self.deps.t(
                self.lang,
                "ab-account-line",
                &[
                    ("name", Arg::from(name.as_str())),
                    ("expires", Arg::from(expires.as_str())),
                    ("status", Arg::from(status.as_str())),
                ],
            ));
            let label = self.label("ab-btn-config", &[("name", Arg::from(name.as_str()))]);
            let mut row = vec![Tap::Configs(service.id).button(label)];
            if service.plan.is_some() && self.closed().is_none() {
                row.push(self.button("ab-btn-renew", Tap::Renew(service.id)));
            }
            rows.push(row);
        }
        rows.push(self.back());
        Ok((lines.join("\n"), Some(inline(rows))))
    }

    async fn configs(&self, service: ServiceId) -> anyhow::Result<()> {
        let Some(account) = self
            .deps
            .store
            .customer_account(self.agent.user, self.customer.user, service)
            .await?
        else {
            self.send(self.line("ab-stale", &[]), None);
            return Ok(());
        };
        let service = account.service;
        let configs = config_messages(
            self.deps,
            self.chat,
            self.lang,
            service.panel,
            &service.blitz_username,
        )
        .await;
        match configs {
            Ok(messages) => {
                for msg in messages {
                    if let Err(err) = self.bot.outbox.send(msg, Priority::Interactive).await {
                        log::warn!(
                            "agent {}'s bot: a config was not sent: {err}",
                            self.agent.user
                        );
                        break;
                    }
                }
            }
            Err(err) => {
                log::warn!("configs of {} unavailable: {err:#}", service.blitz_username);
                self.send(self.line("ab-error", &[]), None);
            }
        }
        Ok(())
    }

    /// Sends a screen: as an edit of `message` when a button was pressed on it.
    fn send(&self, (text, keyboard): Screen, message: Option<i32>) {
        let msg = match message {
            Some(message_id) => Outgoing::EditText {
                chat_id: self.chat,
                message_id,
                text,
                keyboard,
                html: true,
            },
            None => Outgoing::Text {
                chat_id: self.chat,
                text,
                keyboard,
                html: true,
            },
        };
        self.bot.outbox.enqueue(msg, Priority::Interactive);
    }
}
