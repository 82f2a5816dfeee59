//! Admin dialogues: what a staff member is in the middle of, kept in SQLite.
//!
//! A dialogue (adding a plan, composing a broadcast, a grant reason...) is
//! stored per user with a 15-minute expiry, refreshed at every step, so it
//! survives a restart and runs out on its own. Every step is authorised again
//! with the user's current role ([`Dialog::needs`]): an admin demoted while a
//! dialogue is open cannot finish it.
//!
//! The state is written as JSON through wire types of this module's own, so
//! domain types carry no serde derives; a state this version cannot read
//! (written by another version) is dropped as if it had run out.

use ajib_domain::{
    Currency, Money, OrderId, PanelId, Plan, PlanId, PlanName, ServiceId, TelegramId,
};
use ajib_storage::{CardPaymentId, PromoId};
use serde::{Deserialize, Serialize};

use crate::{
    callback::AudienceChoice,
    deps::{Deps, now},
    role::Role,
};

/// How long an untouched dialogue stays open.
pub const TTL_SECS: i64 = 15 * 60;

/// A multi-step dialogue in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Adding or editing a plan; each answer fills the next field.
    AddPlan(PlanDraft),
    /// Composing a broadcast.
    Broadcast(BroadcastDraft),
    /// Looking up or acting on a user.
    Users(UserStep),
    /// An owner is to upload a backup archive to restore.
    RestoreBackup,
    /// A customer is to type how much to add to their balance.
    TopupAmount,
    /// A customer is to send the link of an account they already have.
    LinkAccount,
    /// An uploaded archive passed every check but its signature; the owner may confirm it.
    ConfirmUnsignedRestore(UnsignedUpload),
    /// An owner adding a panel or changing one.
    Panel(PanelStep),
    /// A customer applying a promo code to a plan.
    Promo(PromoStep),
    /// An admin is to send a new promo code in one line.
    PromoAdd,
    /// A customer is to send the receipt (photo or reference) of a card transfer for this order.
    CardReceipt(OrderId),
    /// An admin is to type why this card payment is rejected.
    CardReject(CardPaymentId),
    /// An agent in their menu (buying, bulk creating, renewing, prices, their bot).
    Agent(AgentStep),
    /// An owner changing an agent's terms.
    AgentTerms(AgentTermsStep),
}

/// What an owner changing an agent's terms is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentTermsStep {
    /// The agent's default discount, in percent.
    PercentOff(TelegramId),
    /// How far below zero the agent's balance may go.
    CreditLimit(TelegramId),
    /// What the agent pays for this plan.
    Price(TelegramId, PlanId),
}

/// What an agent is asked for, or about to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentStep {
    /// The customer's name or note for one account of this plan.
    Label(PlanId),
    /// How many accounts of this plan to make at once.
    Count(PlanId),
    /// A bulk purchase of this many accounts of this plan, shown for confirmation.
    BulkConfirm(PlanId, u32),
    /// A renewal of this account with this plan, shown for confirmation.
    RenewConfirm(ServiceId, PlanId),
    /// The retail price of this plan in the agent's bot.
    Retail(PlanId),
    /// The token of the agent's bot (never kept: it completes the step).
    Token,
    /// The brand name the agent's bot shows.
    Brand,
    /// The support contact the agent's bot shows.
    Support,
}

/// Where a customer applying a promo code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoStep {
    /// Waiting for the code, for this plan.
    Code(PlanId),
    /// The code is applied to this plan: the purchase carries it through the
    /// location picker; another code typed now replaces it.
    Applied(PlanId, PromoId),
}

/// What an owner working on panels is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelStep {
    /// Adding a panel: each answer fills the next field; the token comes last
    /// and completes it, so it is never kept in the dialogue.
    Add(PanelDraft),
    /// A panel's new capacity.
    Capacity(PanelId),
    /// A panel's new location label.
    Location(PanelId),
}

/// The fields of a panel being added, collected so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanelDraft {
    /// Its unique name.
    pub name: Option<String>,
    /// Its location label.
    pub location: Option<String>,
    /// Its API base.
    pub api_base: Option<String>,
    /// Its capacity, once answered (`Some(None)`: no limit).
    pub capacity: Option<Option<u32>>,
}

/// The upload an owner is asked to confirm: fetched again by its file id, and only if its hash is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedUpload {
    /// Telegram's file id of the document.
    pub file_id: String,
    /// The document's file name, for the audit log.
    pub file_name: Option<String>,
    /// SHA-256 (hex) of the bytes that were checked.
    pub sha256: String,
}

/// The fields of a plan collected so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDraft {
    /// The plan being edited, as it was; `None` adds a new one.
    pub editing: Option<Plan>,
    /// English name.
    pub name_en: Option<String>,
    /// Persian name.
    pub name_fa: Option<String>,
    /// Days.
    pub days: Option<u32>,
    /// Traffic in GB.
    pub traffic_gb: Option<u32>,
    /// Price.
    pub price: Option<Money>,
}

/// Where a broadcast being composed stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BroadcastDraft {
    /// Waiting for the message text.
    Text,
    /// Message accepted; waiting for the audience.
    Audience {
        /// The message, ready to send.
        message: Composed,
    },
    /// Previewed; waiting for send or cancel.
    Preview {
        /// The message, ready to send.
        message: Composed,
        /// Who gets it.
        choice: AudienceChoice,
    },
}

/// A broadcast message ready to send: checked Telegram HTML (a last link line
/// becomes a button) and an optional photo it is the caption of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The text, or the photo's caption (may then be empty).
    pub text: String,
    /// The Telegram file id of the photo.
    pub photo: Option<String>,
}

/// What a staff member looking at users is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserStep {
    /// A search (id, @username, name or panel username); `query` filters the list being paged.
    Search {
        /// The last search, `None` listing everyone.
        query: Option<String>,
    },
    /// Why this plan is granted to this user.
    GrantReason(TelegramId, PlanId),
    /// How many days to add to this service.
    Days(ServiceId),
    /// The text to send to this user.
    Message(TelegramId),
    /// The signed amount to add to (or take from) this user's balance.
    BalanceAmount(TelegramId),
    /// Why this user's balance changes by this many minor units.
    BalanceReason(TelegramId, i64),
    /// A balance change shown for confirmation.
    BalancePreview(Adjustment),
}

/// A balance change an admin is about to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    /// Whose balance.
    pub user: TelegramId,
    /// Minor units of the bot's currency added (positive) or taken (negative), never zero.
    pub delta_minor: i64,
    /// Why, for the ledger, the audit log and the user.
    pub reason: String,
}

/// What a staff member sent while a dialogue is open: a text, or a photo with its caption.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The text, or the photo's caption (empty when there is none).
    pub text: &'a str,
    /// Telegram's formatting of `text`.
    pub entities: &'a [ajib_transport::MessageEntity],
    /// The photo, if one was sent.
    pub photo: Option<&'a ajib_transport::PhotoRef>,
}

impl<'a> Input<'a> {
    /// The parts of an incoming message a dialogue can use.
    #[must_use]
    pub fn of(message: &'a ajib_transport::IncomingMessage) -> Self {
        match &message.photo {
            Some(photo) => Self {
                text: message.caption.as_deref().unwrap_or_default(),
                entities: &message.caption_entities,
                photo: Some(photo),
            },
            None => Self {
                text: message.text.as_deref().unwrap_or_default(),
                entities: &message.entities,
                photo: None,
            },
        }
    }
}

impl Dialog {
    /// The least role that may take the next step of this dialogue.
    #[must_use]
    pub fn needs(&self) -> Role {
        match self {
            Self::Users(UserStep::Search { .. } | UserStep::Message(_)) => Role::Support,
            Self::AddPlan(_) | Self::Broadcast(_) | Self::Users(_) | Self::PromoAdd => Role::Admin,
            Self::RestoreBackup | Self::ConfirmUnsignedRestore(_) | Self::Panel(_) => Role::Owner,
            Self::TopupAmount | Self::LinkAccount | Self::Promo(_) | Self::CardReceipt(_) => {
                Role::Customer
            }
            Self::CardReject(_) => Role::Admin,
            // Being an agent is not a role: each agent step checks the agents row itself.
            Self::Agent(_) => Role::Customer,
            Self::AgentTerms(_) => Role::Owner,
        }
    }
}

/// The user's open dialogue, if it has not run out and they may still take it.
///
/// A dialogue the user's role no longer allows is closed here (and logged),
/// so a demoted admin's half-finished grant or plan can never complete.
pub async fn load(deps: &Deps, user: TelegramId, role: Role) -> Option<Dialog> {
    let state = match deps.store.load_dialog(user, now()).await {
        Ok(state) => state?,
        Err(err) => {
            log::error!("cannot read the dialogue of {user}: {err}");
            return None;
        }
    };
    let Some(dialog) = decode(&state) else {
        log::warn!("dropping an unreadable dialogue of {user}");
        close(deps, user).await;
        return None;
    };
    if !role.allows(dialog.needs()) {
        log::warn!(
            "{user} ({role:?}) may no longer continue a dialogue that needs {:?}; closed",
            dialog.needs()
        );
        close(deps, user).await;
        return None;
    }
    Some(dialog)
}

/// Closes the user's dialogue and returns it if it is a broadcast preview
/// they may still send; of two racing taps, only one gets it.
pub async fn take_preview(
    deps: &Deps,
    user: TelegramId,
    role: Role,
) -> Option<(Composed, AudienceChoice)> {
    take_if(deps, user, |dialog| match dialog {
        Dialog::Broadcast(BroadcastDraft::Preview { message, choice })
            if role.allows(Role::Admin) =>
        {
            Some((message.clone(), *choice))
        }
        _ => None,
    })
    .await
}

/// Closes the user's dialogue and returns it if it is a balance change they
/// may still confirm; of two racing taps, only one gets it.
pub async fn take_adjustment(deps: &Deps, user: TelegramId, role: Role) -> Option<Adjustment> {
    take_if(deps, user, |dialog| match dialog {
        Dialog::Users(UserStep::BalancePreview(adjustment)) if role.allows(Role::Admin) => {
            Some(adjustment.clone())
        }
        _ => None,
    })
    .await
}

/// Closes the user's dialogue and returns what `pick` takes from it if it is
/// an agent's step (anything else is put back); of two racing answers or
/// taps, only one gets it.
pub async fn take_agent_step<T>(
    deps: &Deps,
    user: TelegramId,
    pick: impl FnOnce(AgentStep) -> Option<T>,
) -> Option<T> {
    take_if(deps, user, |dialog| match dialog {
        Dialog::Agent(step) => pick(*step),
        _ => None,
    })
    .await
}

/// Takes the user's dialogue out in one step and keeps what `pick` accepts;
/// anything else is put back as it was.
async fn take_if<T>(
    deps: &Deps,
    user: TelegramId,
    pick: impl FnOnce(&Dialog) -> Option<T>,
) -> Option<T> {
    let state = match deps.store.take_dialog(user, now()).await {
        Ok(state) => state?,
        Err(err) => {
            log::error!("cannot read the dialogue of {user}: {err}");
            return None;
        }
    };
    let dialog = decode(&state)?;
    let taken = pick(&dialog);
    if taken.is_none() {
        save(deps, user, &dialog).await;
    }
    taken
}

/// Opens or replaces the user's dialogue; its 15 minutes start again.
pub async fn save(deps: &Deps, user: TelegramId, dialog: &Dialog) {
    let state = encode(dialog);
    let at = now();
    if let Err(err) = deps
        .store
        .save_dialog(user, &state, at.plus_secs(TTL_SECS), at)
        .await
    {
        log::error!("cannot save the dialogue of {user}: {err}");
    }
}

/// Closes the user's dialogue, if any.
pub async fn close(deps: &Deps, user: TelegramId) {
    if let Err(err) = deps.store.close_dialog(user).await {
        log::error!("cannot close the dialogue of {user}: {err}");
    }
}

/// The stored form: plain values only, independent of the domain types.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    AddPlan {
        editing: Option<WirePlan>,
        name_en: Option<String>,
        name_fa: Option<String>,
        days: Option<u32>,
        traffic_gb: Option<u32>,
        price: Option<WireMoney>,
    },
    BroadcastText,
    BroadcastAudience {
        text: String,
        photo: Option<String>,
    },
    BroadcastPreview {
        text: String,
        photo: Option<String>,
        audience: String,
    },
    UserSearch {
        query: Option<String>,
    },
    GrantReason {
        user: i64,
        plan: i64,
    },
    ExtendDays {
        service: i64,
    },
    MessageUser {
        user: i64,
    },
    BalanceAmount {
        user: i64,
    },
    BalanceReason {
        user: i64,
        delta_minor: i64,
    },
    BalancePreview {
        user: i64,
        delta_minor: i64,
        reason: String,
    },
    RestoreBackup,
    TopupAmount,
    LinkAccount,
    ConfirmUnsignedRestore {
        file_id: String,
        file_name: Option<String>,
        sha256: String,
    },
    PanelAdd {
        name: Option<String>,
        location: Option<String>,
        api_base: Option<String>,
        capacity_answered: bool,
        capacity: Option<u32>,
    },
    PanelCapacity {
        panel: i64,
    },
    PanelLocation {
        panel: i64,
    },
    PromoCode {
        plan: i64,
    },
    PromoApplied {
        plan: i64,
        promo: i64,
    },
    PromoAdd,
    CardReceipt {
        order: i64,
    },
    CardReject {
        payment: i64,
    },
    AgentLabel {
        plan: i64,
    },
    AgentCount {
        plan: i64,
    },
    AgentBulkConfirm {
        plan: i64,
        count: u32,
    },
    AgentRenewConfirm {
        service: i64,
        plan: i64,
    },
    AgentRetail {
        plan: i64,
    },
    AgentToken,
    AgentBrand,
    AgentSupport,
    AgentTermsPercent {
        user: i64,
    },
    AgentTermsLimit {
        user: i64,
    },
    AgentTermsPrice {
        user: i64,
        plan: i64,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct WirePlan {
    id: i64,
    name_en: String,
    name_fa: String,
    days: u32,
    traffic_gb: u32,
    price: WireMoney,
    active: bool,
    sort_order: i32,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireMoney {
    minor: i64,
    currency: String,
}

fn encode(dialog: &Dialog) -> String {
    let wire = match dialog {
        Dialog::AddPlan(draft) => Wire::AddPlan {
            editing: draft.editing.as_ref().map(|plan| WirePlan {
                id: plan.id.0,
                name_en: plan.name.en.clone(),
                name_fa: plan.name.fa.clone(),
                days: plan.days,
                traffic_gb: plan.traffic_gb,
                price: money_to_wire(plan.price),
                active: plan.active,
                sort_order: plan.sort_order,
            }),
            name_en: draft.name_en.clone(),
            name_fa: draft.name_fa.clone(),
            days: draft.days,
            traffic_gb: draft.traffic_gb,
            price: draft.price.map(money_to_wire),
        },
        Dialog::Broadcast(BroadcastDraft::Text) => Wire::BroadcastText,
        Dialog::Broadcast(BroadcastDraft::Audience { message }) => Wire::BroadcastAudience {
            text: message.text.clone(),
            photo: message.photo.clone(),
        },
        Dialog::Broadcast(BroadcastDraft::Preview { message, choice }) => Wire::BroadcastPreview {
            text: message.text.clone(),
            photo: message.photo.clone(),
            audience: choice.code().to_owned(),
        },
        Dialog::Users(UserStep::Search { query }) => Wire::UserSearch {
            query: query.clone(),
        },
        Dialog::Users(UserStep::GrantReason(user, plan)) => Wire::GrantReason {
            user: user.0,
            plan: plan.0,
        },
        Dialog::Users(UserStep::Days(service)) => Wire::ExtendDays { service: service.0 },
        Dialog::Users(UserStep::Message(user)) => Wire::MessageUser { user: user.0 },
        Dialog::Users(UserStep::BalanceAmount(user)) => Wire::BalanceAmount { user: user.0 },
        Dialog::Users(UserStep::BalanceReason(user, delta_minor)) => Wire::BalanceReason {
            user: user.0,
            delta_minor: *delta_minor,
        },
        Dialog::Users(UserStep::BalancePreview(adjustment)) => Wire::BalancePreview {
            user: adjustment.user.0,
            delta_minor: adjustment.delta_minor,
            reason: adjustment.reason.clone(),
        },
        Dialog::RestoreBackup => Wire::RestoreBackup,
        Dialog::TopupAmount => Wire::TopupAmount,
        Dialog::LinkAccount => Wire::LinkAccount,
        Dialog::ConfirmUnsignedRestore(upload) => Wire::ConfirmUnsignedRestore {
            file_id: upload.file_id.clone(),
            file_name: upload.file_name.clone(),
            sha256: upload.sha256.clone(),
        },
        Dialog::Panel(PanelStep::Add(draft)) => Wire::PanelAdd {
            name: draft.name.clone(),
            location: draft.location.clone(),
            api_base: draft.api_base.clone(),
            capacity_answered: draft.capacity.is_some(),
            capacity: draft.capacity.flatten(),
        },
        Dialog::Panel(PanelStep::Capacity(panel)) => Wire::PanelCapacity { panel: panel.0 },
        Dialog::Panel(PanelStep::Location(panel)) => Wire::PanelLocation { panel: panel.0 },
        Dialog::Promo(PromoStep::Code(plan)) => Wire::PromoCode { plan: plan.0 },
        Dialog::Promo(PromoStep::Applied(plan, promo)) => Wire::PromoApplied {
            plan: plan.0,
            promo: promo.0,
        },
        Dialog::PromoAdd => Wire::PromoAdd,
        Dialog::CardReceipt(order) => Wire::CardReceipt { order: order.0 },
        Dialog::CardReject(payment) => Wire::CardReject { payment: payment.0 },
        Dialog::Agent(step) => agent_step_to_wire(*step),
        Dialog::AgentTerms(AgentTermsStep::PercentOff(user)) => {
            Wire::AgentTermsPercent { user: user.0 }
        }
        Dialog::AgentTerms(AgentTermsStep::CreditLimit(user)) => {
            Wire::AgentTermsLimit { user: user.0 }
        }
        Dialog::AgentTerms(AgentTermsStep::Price(user, plan)) => Wire::AgentTermsPrice {
            user: user.0,
            plan: plan.0,
        },
    };
    // Plain strings and numbers: encoding cannot fail, but a failure is still not a panic.
    serde_json::to_string(&wire).unwrap_or_else(|_| "{}".to_owned())
}

fn decode(state: &str) -> Option<Dialog> {
    let wire: Wire = serde_json::from_str(state).ok()?;
    let res = match wire {
        Wire::AddPlan {
            editing,
            name_en,
            name_fa,
            days,
            traffic_gb,
            price,
        } => Dialog::AddPlan(PlanDraft {
            editing: match editing {
                Some(plan) => Some(Plan {
                    id: PlanId(plan.id),
                    name: PlanName {
                        en: plan.name_en,
                        fa: plan.name_fa,
                    },
                    days: plan.days,
                    traffic_gb: plan.traffic_gb,
                    price: money_from_wire(&plan.price)?,
                    active: plan.active,
                    sort_order: plan.sort_order,
                }),
                None => None,
            },
            name_en,
            name_fa,
            days,
            traffic_gb,
            price: match price {
                Some(price) => Some(money_from_wire(&price)?),
                None => None,
            },
        }),
        Wire::BroadcastText => Dialog::Broadcast(BroadcastDraft::Text),
        Wire::BroadcastAudience { text, photo } => Dialog::Broadcast(BroadcastDraft::Audience {
            message: Composed { text, photo },
        }),
        Wire::BroadcastPreview {
            text,
            photo,
            audience,
        } => Dialog::Broadcast(BroadcastDraft::Preview {
            message: Composed { text, photo },
            choice: AudienceChoice::parse(&audience)?,
        }),
        Wire::UserSearch { query } => Dialog::Users(UserStep::Search { query }),
        Wire::GrantReason { user, plan } => {
            Dialog::Users(UserStep::GrantReason(TelegramId(user), PlanId(plan)))
        }
        Wire::ExtendDays { service } => Dialog::Users(UserStep::Days(ServiceId(service))),
        Wire::MessageUser { user } => Dialog::Users(UserStep::Message(TelegramId(user))),
        Wire::BalanceAmount { user } => Dialog::Users(UserStep::BalanceAmount(TelegramId(user))),
        Wire::BalanceReason { user, delta_minor } => {
            Dialog::Users(UserStep::BalanceReason(TelegramId(user), delta_minor))
        }
        Wire::BalancePreview {
            user,
            delta_minor,
            reason,
        } => Dialog::Users(UserStep::BalancePreview(Adjustment {
            user: TelegramId(user),
            delta_minor,
            reason,
        })),
        Wire::RestoreBackup => Dialog::RestoreBackup,
        Wire::TopupAmount => Dialog::TopupAmount,
        Wire::LinkAccount => Dialog::LinkAccount,
        Wire::ConfirmUnsignedRestore {
            file_id,
            file_name,
            sha256,
        } => Dialog::ConfirmUnsignedRestore(UnsignedUpload {
            file_id,
            file_name,
            sha256,
        }),
        Wire::PanelAdd {
            name,
            location,
            api_base,
            capacity_answered,
            capacity,
        } => Dialog::Panel(PanelStep::Add(PanelDraft {
            name,
            location,
            api_base,
            capacity: capacity_answered.then_some(capacity),
        })),
        Wire::PanelCapacity { panel } => Dialog::Panel(PanelStep::Capacity(PanelId(panel))),
        Wire::PanelLocation { panel } => Dialog::Panel(PanelStep::Location(PanelId(panel))),
        Wire::PromoCode { plan } => Dialog::Promo(PromoStep::Code(PlanId(plan))),
        Wire::PromoApplied { plan, promo } => {
            Dialog::Promo(PromoStep::Applied(PlanId(plan), PromoId(promo)))
        }
        Wire::PromoAdd => Dialog::PromoAdd,
        Wire::CardReceipt { order } => Dialog::CardReceipt(OrderId(order)),
        Wire::CardReject { payment } => Dialog::CardReject(CardPaymentId(payment)),
        Wire::AgentLabel { plan } => Dialog::Agent(AgentStep::Label(PlanId(plan))),
        Wire::AgentCount { plan } => Dialog::Agent(AgentStep::Count(PlanId(plan))),
        Wire::AgentBulkConfirm { plan, count } => {
            Dialog::Agent(AgentStep::BulkConfirm(PlanId(plan), count))
        }
        Wire::AgentRenewConfirm { service, plan } => {
            Dialog::Agent(AgentStep::RenewConfirm(ServiceId(service), PlanId(plan)))
        }
        Wire::AgentRetail { plan } => Dialog::Agent(AgentStep::Retail(PlanId(plan))),
        Wire::AgentToken => Dialog::Agent(AgentStep::Token),
        Wire::AgentBrand => Dialog::Agent(AgentStep::Brand),
        Wire::AgentSupport => Dialog::Agent(AgentStep::Support),
        Wire::AgentTermsPercent { user } => {
            Dialog::AgentTerms(AgentTermsStep::PercentOff(TelegramId(user)))
        }
        Wire::AgentTermsLimit { user } => {
            Dialog::AgentTerms(AgentTermsStep::CreditLimit(TelegramId(user)))
        }
        Wire::AgentTermsPrice { user, plan } => {
            Dialog::AgentTerms(AgentTermsStep::Price(TelegramId(user), PlanId(plan)))
        }
    };
    Some(res)
}

fn agent_step_to_wire(step: AgentStep) -> Wire {
    match step {
        AgentStep::Label(plan) => Wire::AgentLabel { plan: plan.0 },
        AgentStep::Count(plan) => Wire::AgentCount { plan: plan.0 },
        AgentStep::BulkConfirm(plan, count) => Wire::AgentBulkConfirm {
            plan: plan.0,
            count,
        },
        AgentStep::RenewConfirm(service, plan) => Wire::AgentRenewConfirm {
            service: service.0,
            plan: plan.0,
        },
        AgentStep::Retail(plan) => Wire::AgentRetail { plan: plan.0 },
        AgentStep::Token => Wire::AgentToken,
        AgentStep::Brand => Wire::AgentBrand,
        AgentStep::Support => Wire::AgentSupport,
    }
}

fn money_to_wire(money: Money) -> WireMoney {
    WireMoney {
        minor: money.minor(),
        currency: money.currency().code().to_owned(),
    }
}

fn money_from_wire(wire: &WireMoney) -> Option<Money> {
    Money::from_minor(wire.minor, Currency::new(&wire.currency).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_round_trip(dialog: Dialog) {
        let state = encode(&dialog);
        assert_eq!(decode(&state), Some(dialog), "{state}");
    }

    #[test]
    fn every_dialogue_survives_its_stored_form() {
        let usd = Currency::new("USD").unwrap();
        let plan = Plan {
            id: PlanId(7),
            name: PlanName {
                en: "Gold <30d>".to_owned(),
                fa: "طلایی".to_owned(),
            },
            days: 30,
            traffic_gb: 0,
            price: Money::from_minor(500, usd).unwrap(),
            active: false,
            sort_order: 20,
        };
        check_round_trip(Dialog::AddPlan(PlanDraft::default()));
        check_round_trip(Dialog::AddPlan(PlanDraft {
            editing: Some(plan),
            name_en: Some("New".to_owned()),
            name_fa: None,
            days: Some(60),
            traffic_gb: Some(50),
            price: Some(Money::from_minor(1_250, usd).unwrap()),
        }));
        let message = Composed {
            text: "<b>Sale</b> & more".to_owned(),
            photo: Some("AgACAgIAAxkBAAI".to_owned()),
        };
        check_round_trip(Dialog::Broadcast(BroadcastDraft::Text));
        check_round_trip(Dialog::Broadcast(BroadcastDraft::Audience {
            message: message.clone(),
        }));
        for choice in AudienceChoice::ALL {
            check_round_trip(Dialog::Broadcast(BroadcastDraft::Preview {
                message: message.clone(),
                choice,
            }));
        }
        check_round_trip(Dialog::Panel(PanelStep::Add(PanelDraft::default())));
        for capacity in [None, Some(None), Some(Some(500))] {
            check_round_trip(Dialog::Panel(PanelStep::Add(PanelDraft {
                name: Some("de-1".to_owned()),
                location: Some("🇩🇪 Germany".to_owned()),
                api_base: Some("https://p.example/x/api/v1".to_owned()),
                capacity,
            })));
        }
        check_round_trip(Dialog::Panel(PanelStep::Capacity(PanelId(3))));
        check_round_trip(Dialog::Panel(PanelStep::Location(PanelId(3))));
        check_round_trip(Dialog::Users(UserStep::Search { query: None }));
        check_round_trip(Dialog::Users(UserStep::Search {
            query: Some("sara".to_owned()),
        }));
        check_round_trip(Dialog::Users(UserStep::GrantReason(
            TelegramId(5),
            PlanId(6),
        )));
        check_round_trip(Dialog::Users(UserStep::Days(ServiceId(9))));
        check_round_trip(Dialog::Users(UserStep::Message(TelegramId(5))));
        check_round_trip(Dialog::Users(UserStep::BalanceAmount(TelegramId(5))));
        check_round_trip(Dialog::Users(UserStep::BalanceReason(TelegramId(5), -250)));
        check_round_trip(Dialog::Users(UserStep::BalancePreview(Adjustment {
            user: TelegramId(5),
            delta_minor: 500,
            reason: "outage <refund> & \"sorry\"".to_owned(),
        })));
        check_round_trip(Dialog::RestoreBackup);
        check_round_trip(Dialog::Promo(PromoStep::Code(PlanId(4))));
        check_round_trip(Dialog::Promo(PromoStep::Applied(PlanId(4), PromoId(9))));
        check_round_trip(Dialog::PromoAdd);
        check_round_trip(Dialog::CardReceipt(OrderId(12)));
        check_round_trip(Dialog::CardReject(CardPaymentId(13)));
        for step in [
            AgentStep::Label(PlanId(2)),
            AgentStep::Count(PlanId(2)),
            AgentStep::BulkConfirm(PlanId(2), 50),
            AgentStep::RenewConfirm(ServiceId(8), PlanId(2)),
            AgentStep::Retail(PlanId(2)),
            AgentStep::Token,
            AgentStep::Brand,
            AgentStep::Support,
        ] {
            check_round_trip(Dialog::Agent(step));
        }
        for step in [
            AgentTermsStep::PercentOff(TelegramId(5)),
            AgentTermsStep::CreditLimit(TelegramId(5)),
            AgentTermsStep::Price(TelegramId(5), PlanId(2)),
        ] {
            check_round_trip(Dialog::AgentTerms(step));
        }
        check_round_trip(Dialog::ConfirmUnsignedRestore(UnsignedUpload {
            file_id: "BQACAgIAAxkBAAI".to_owned(),
            file_name: Some("ajib-backup-20250101-000000.tar.gz".to_owned()),
            sha256: "ab".repeat(32),
        }));
    }

    #[test]
    fn unreadable_states_are_dropped() {
        for state in [
            "",
            "{}",
            "[]",
            r#"{"kind":"nope"}"#,
            r#"{"kind":"broadcast_preview","text":"x","photo":null,"audience":"everyone"}"#,
        ] {
            assert_eq!(decode(state), None, "{state}");
        }
    }

    #[test]
    fn each_dialogue_needs_the_role_of_its_next_step() {
        assert_eq!(
            Dialog::Users(UserStep::Message(TelegramId(1))).needs(),
            Role::Support
        );
        assert_eq!(
            Dialog::Users(UserStep::Search { query: None }).needs(),
            Role::Support
        );
        assert_eq!(
            Dialog::Users(UserStep::GrantReason(TelegramId(1), PlanId(1))).needs(),
            Role::Admin
        );
        assert_eq!(
            Dialog::Users(UserStep::Days(ServiceId(1))).needs(),
            Role::Admin
        );
        assert_eq!(
            Dialog::Users(UserStep::BalanceAmount(TelegramId(1))).needs(),
            Role::Admin
        );
        assert_eq!(
            Dialog::Users(UserStep::BalanceReason(TelegramId(1), 5)).needs(),
            Role::Admin
        );
        assert_eq!(
            Dialog::Users(UserStep::BalancePreview(Adjustment {
                user: TelegramId(1),
                delta_minor: -5,
                reason: "x".to_owned(),
            }))
            .needs(),
            Role::Admin
        );
        assert_eq!(Dialog::AddPlan(PlanDraft::default()).needs(), Role::Admin);
        assert_eq!(Dialog::Broadcast(BroadcastDraft::Text).needs(), Role::Admin);
        assert_eq!(Dialog::RestoreBackup.needs(), Role::Owner);
        assert_eq!(Dialog::PromoAdd.needs(), Role::Admin);
        assert_eq!(Dialog::CardReceipt(OrderId(1)).needs(), Role::Customer);
        assert_eq!(Dialog::CardReject(CardPaymentId(1)).needs(), Role::Admin);
        assert_eq!(
            Dialog::Promo(PromoStep::Code(PlanId(1))).needs(),
            Role::Customer
        );
    }
}
