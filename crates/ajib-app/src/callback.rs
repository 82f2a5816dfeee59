//! Typed, versioned callback data for inline buttons (≤ 64 bytes on the wire).
//!
//! Every button the bot draws carries one [`Callback`]. The wire form is
//! `v1:<tag>[:<arg>]`; anything that does not parse — an old menu from a
//! previous version, a forged or truncated value — decodes to `None`, and the
//! router answers with "this button has expired" and changes nothing.
//!
//! The set is declared once, in the `callbacks!` table below: each row
//! gives the variant, its argument type, its wire tag and the [`Role`] it
//! needs, and encode, decode, the access check and the test list of every
//! variant all come from that one row, so a button cannot be added without
//! all of them.

use ajib_domain::{BroadcastId, Lang, OrderId, PanelId, PlanId, ServiceId, TelegramId, TopupId};
use ajib_storage::CardPaymentId;
use ajib_storage::PromoId;
use ajib_storage::RewardId;
use ajib_storage::StarsPaymentId;

const VERSION: &str = "v1";
/// The highest page number a button may carry (a million users at ten a page).
pub const MAX_PAGE: u32 = 100_000;

pub use crate::role::Role;

/// A value a button carries after its tag: one spelling per value, parsed strictly.
pub trait CallbackArg: Sized + Copy {
    /// The wire form, without separators around it.
    fn encode(self) -> String;
    /// Parses the wire form; `None` for anything [`CallbackArg::encode`] would not write.
    fn decode(text: &str) -> Option<Self>;
    /// Values at the edges of the range, for the round-trip tests.
    fn samples() -> Vec<Self>;
}

/// A page number from 0, at most [`MAX_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page(pub u32);

macro_rules! id_args {
    ($($id:ident),*) => {$(
        impl CallbackArg for $id {
            fn encode(self) -> String {
                self.0.to_string()
            }
            fn decode(text: &str) -> Option<Self> {
                id_arg(text).map(Self)
            }
            fn samples() -> Vec<Self> {
                vec![Self(1), Self(i64::MAX)]
            }
        }
    )*};
}

id_args!(
    CardPaymentId,
    StarsPaymentId,
    PromoId,
    PlanId,
    OrderId,
    ServiceId,
    TelegramId,
    BroadcastId,
    TopupId,
    PanelId,
    RewardId
);

/// Most whole currency units one top-up adds.
pub const MAX_TOPUP_UNITS: u32 = 1_000;

/// A top-up amount in whole currency units, 1 to [`MAX_TOPUP_UNITS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopupUnits(pub u32);

/// Where a customer was going when the required channel stopped them, for "✅ I joined".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelNext {
    /// The plans on sale.
    Shop,
    /// The free test offer.
    Test,
}

impl CallbackArg for ChannelNext {
    fn encode(self) -> String {
        match self {
            Self::Shop => "s",
            Self::Test => "t",
        }
        .to_owned()
    }
    fn decode(text: &str) -> Option<Self> {
        match text {
            "s" => Some(Self::Shop),
            "t" => Some(Self::Test),
            _ => None,
        }
    }
    fn samples() -> Vec<Self> {
        vec![Self::Shop, Self::Test]
    }
}

impl CallbackArg for TopupUnits {
    fn encode(self) -> String {
        self.0.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        canonical_digits(text)
            .then(|| text.parse::<u32>().ok())
            .flatten()
            .filter(|it| (1..=MAX_TOPUP_UNITS).contains(it))
            .map(Self)
    }
    fn samples() -> Vec<Self> {
        vec![Self(1), Self(MAX_TOPUP_UNITS)]
    }
}

impl CallbackArg for Page {
    fn encode(self) -> String {
        self.0.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        page_arg(text).map(Self)
    }
    fn samples() -> Vec<Self> {
        vec![Self(0), Self(MAX_PAGE)]
    }
}

impl CallbackArg for Lang {
    fn encode(self) -> String {
        self.code().to_owned()
    }
    fn decode(text: &str) -> Option<Self> {
        // Exactly a code as `encode` writes it (two or three lowercase letters), nothing looser.
        Lang::from_code(text)
    }
    fn samples() -> Vec<Self> {
        let mut res = Lang::BUILT_IN.to_vec();
        res.extend(Lang::from_code("ckb"));
        res
    }
}

impl CallbackArg for AudienceChoice {
    fn encode(self) -> String {
        self.code().to_owned()
    }
    fn decode(text: &str) -> Option<Self> {
        Self::parse(text)
    }
    fn samples() -> Vec<Self> {
        Self::ALL.to_vec()
    }
}

/// Two values as `a:b`.
impl<A: CallbackArg, B: CallbackArg> CallbackArg for (A, B) {
    fn encode(self) -> String {
        format!("{}:{}", self.0.encode(), self.1.encode())
    }
    fn decode(text: &str) -> Option<Self> {
        let (a, b) = text.split_once(':')?;
        Some((A::decode(a)?, B::decode(b)?))
    }
    fn samples() -> Vec<Self> {
        let mut res = Vec::new();
        for a in A::samples() {
            for b in B::samples() {
                res.push((a, b));
            }
        }
        res
    }
}

/// Declares [`Callback`] and derives everything else from one row per button:
/// `Variant(ArgType) = "tag", Access;` (the argument is optional).
macro_rules! callbacks {
    ($( $(#[doc = $doc:literal])* $name:ident $(($arg:ty))? = $tag:literal, $access:ident; )*) => {
        /// What a button asks for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Callback {
            $( $(#[doc = $doc])* $name $(($arg))?, )*
        }

        impl Callback {
            /// Every wire tag, in declaration order.
            pub const TAGS: &[&str] = &[$($tag),*];

            /// The wire form, at most 64 bytes.
            #[must_use]
            pub fn encode(self) -> String {
                match self {
                    $( callbacks!(@pattern $name value $(($arg))?) => {
                        callbacks!(@encode $tag value $(($arg))?)
                    } )*
                }
            }

            /// Parses the wire form; `None` for anything this version did not make.
            #[must_use]
            pub fn decode(data: &str) -> Option<Self> {
                let rest = data.strip_prefix(VERSION)?.strip_prefix(':')?;
                let (tag, arg) = match rest.split_once(':') {
                    Some((tag, arg)) => (tag, Some(arg)),
                    None => (rest, None),
                };
                match tag {
                    $( $tag => callbacks!(@decode $name arg $(($arg))?), )*
                    _ => None,
                }
            }

            /// The least role that may press it.
            #[must_use]
            pub fn access(self) -> Role {
                match self {
                    $( callbacks!(@pattern_any $name $(($arg))?) => Role::$access, )*
                }
            }

            /// Every variant with arguments at the edges of their range, for tests.
            #[must_use]
            pub fn samples() -> Vec<Self> {
                let mut res = Vec::new();
                $( callbacks!(@samples res $name $(($arg))?); )*
                res
            }
        }
    };
    (@pattern $name:ident $value:ident ($arg:ty)) => { Callback::$name($value) };
    (@pattern $name:ident $value:ident) => { Callback::$name };
    (@pattern_any $name:ident ($arg:ty)) => { Callback::$name(_) };
    (@pattern_any $name:ident) => { Callback::$name };
    (@encode $tag:literal $value:ident ($arg:ty)) => {
        format!("{VERSION}:{}:{}", $tag, CallbackArg::encode($value))
    };
    (@encode $tag:literal $value:ident) => { format!("{VERSION}:{}", $tag) };
    (@decode $name:ident $wire:ident ($arg:ty)) => {
        <$arg as CallbackArg>::decode($wire?).map(Callback::$name)
    };
    (@decode $name:ident $wire:ident) => {
        match $wire {
            None => Some(Callback::$name),
            Some(_) => None,
        }
    };
    (@samples $res:ident $name:ident ($arg:ty)) => {
        $res.extend(<$arg as CallbackArg>::samples().into_iter().map(Callback::$name))
    };
    (@samples $res:ident $name:ident) => { $res.push(Callback::$name) };
}

callbacks! {
    /// Switch the interface language.
    SetLang(Lang) = "l", Customer;
    /// Show the main menu.
    Menu = "m", Customer;
    /// Show the language picker.
    Language = "lg", Customer;
    /// List the plans on sale.
    Plans = "ps", Customer;
    /// Show one plan with a buy button.
    Plan(PlanId) = "p", Customer;
    /// Buy a plan: create the order and its invoice.
    Buy(PlanId) = "b", Customer;
    /// Show one plan in the location a panel stands for, with a buy button.
    PlanAt((PlanId, PanelId)) = "pl", Customer;
    /// Buy a plan in the location a panel stands for.
    BuyAt((PlanId, PanelId)) = "bp", Customer;
    /// Ask again whether an order's invoice was paid.
    CheckPayment(OrderId) = "c", Customer;
    /// List the user's services.
    Services = "ss", Customer;
    /// Show one service with usage.
    Service(ServiceId) = "s", Customer;
    /// Link an account the customer already has on a panel, by its link.
    LinkAccount = "lk", Customer;
    /// Send a service's configs (URI, link, QR) again.
    Config(ServiceId) = "cf", Customer;
    /// Show the renewal offer for a service.
    Renew(ServiceId) = "r", Customer;
    /// Renew a service: create the renewal order and its invoice.
    RenewBuy(ServiceId) = "rb", Customer;
    /// Show the renewal offer of a service that has no plan, with this plan.
    RenewWith((ServiceId, PlanId)) = "rw", Customer;
    /// Renew a service that has no plan with this plan: the order and its invoice.
    RenewBuyWith((ServiceId, PlanId)) = "rbw", Customer;
    /// Turn auto-renew from the balance on or off for a service.
    AutoRenew(ServiceId) = "ra", Customer;
    /// Show the free test offer.
    TestOffer = "t", Customer;
    /// Take the free test account.
    TestConfirm = "tc", Customer;
    /// "✅ I joined": ask Telegram again whether the user is in the required channel, then go on.
    ChannelJoined(ChannelNext) = "cj", Customer;
    /// Client download links.
    Apps = "a", Customer;
    /// The user's balance and its latest movements.
    Balance = "bl", Customer;
    /// The invite screen: the user's referral link, whom they invited and what they earned.
    Invite = "inv", Customer;
    /// The top-up amounts on offer.
    AddFunds = "bf", Customer;
    /// Top up the balance by this many whole units: an invoice.
    Topup(TopupUnits) = "tu", Customer;
    /// Top up by an amount the user types.
    TopupOther = "to", Customer;
    /// Ask again whether a top-up's invoice was paid.
    CheckTopup(TopupId) = "ct", Customer;
    /// "🏷 I have a code" on a plan: asks for a promo code.
    PromoAsk(PlanId) = "qa", Customer;
    /// The plan with the promo code applied in the customer's dialogue.
    PromoPlan(PromoId) = "qv", Customer;
    /// The plan with the applied promo code, in the location a panel stands for.
    PromoPlanAt(PanelId) = "qp", Customer;
    /// Buy the plan with the applied promo code.
    PromoBuy(PromoId) = "qb", Customer;
    /// Buy the plan with the applied promo code in the location a panel stands for.
    PromoBuyAt((PromoId, PanelId)) = "qz", Customer;
    /// "💳 Card to card" on an order: the card, the amount, and a request for the receipt.
    CardPay(OrderId) = "cp", Customer;
    /// Approve a card payment's receipt (the first decision wins).
    CardApprove(CardPaymentId) = "acpa", Admin;
    /// Reject a card payment's receipt (asks for the reason next).
    CardReject(CardPaymentId) = "acpr", Admin;
    /// "⭐ Pay N Stars" on a plan: the order and its Stars invoice.
    StarsBuy(PlanId) = "sb", Customer;
    /// "⭐ Pay N Stars" on a plan in the location a panel stands for.
    StarsBuyAt((PlanId, PanelId)) = "sbp", Customer;
    /// Owner: refund a Stars payment (Telegram gives the Stars back; the grant or credit is reversed).
    StarsRefund(StarsPaymentId) = "asr", Owner;
    /// Support contact.
    Support = "su", Customer;
    /// Help text.
    Help = "h", Customer;
    /// Cancel the current dialogue.
    Cancel = "x", Customer;
    /// Agent: the agent's menu (balance, credit, what they can do).
    Agent = "g", Customer;
    /// Agent: the plans to buy one account for a customer.
    AgentBuy = "gb", Customer;
    /// Agent: buy one account of this plan (asks for the customer's name next).
    AgentBuyPlan(PlanId) = "gbp", Customer;
    /// Agent: the plans to bulk-create accounts of.
    AgentBulk = "gk", Customer;
    /// Agent: bulk-create accounts of this plan (asks how many next).
    AgentBulkPlan(PlanId) = "gkp", Customer;
    /// Agent: buy the bulk purchase shown for confirmation (kept in the dialogue).
    AgentBulkConfirm = "gkc", Customer;
    /// Agent: one page (from 0) of the agent's accounts.
    AgentAccounts(Page) = "ga", Customer;
    /// Agent: one of the agent's accounts, with live usage.
    AgentAccount(ServiceId) = "gs", Customer;
    /// Agent: the plans to renew one of their accounts with.
    AgentRenew(ServiceId) = "gr", Customer;
    /// Agent: the renewal of an account with a plan, for confirmation.
    AgentRenewPlan((ServiceId, PlanId)) = "grp", Customer;
    /// Agent: renew as shown for confirmation (kept in the dialogue).
    AgentRenewConfirm = "grc", Customer;
    /// Agent: send one of their accounts' configs again.
    AgentConfigs(ServiceId) = "gc", Customer;
    /// Agent: their cost and their bot's retail price of every plan.
    AgentPrices = "gp", Customer;
    /// Agent: set their bot's retail price of a plan (asks for it next).
    AgentRetail(PlanId) = "gpr", Customer;
    /// Agent: their own bot.
    AgentBot = "gt", Customer;
    /// Agent: connect a bot (asks for its token next).
    AgentBotConnect = "gtc", Customer;
    /// Agent: set their bot's brand name (asks for it next).
    AgentBotBrand = "gtb", Customer;
    /// Agent: set their bot's support contact (asks for it next).
    AgentBotSupport = "gts", Customer;
    /// Agent: ask to confirm disconnecting their bot.
    AgentBotDisconnect = "gtd", Customer;
    /// Agent: disconnect their bot.
    AgentBotDisconnectConfirm = "gtx", Customer;
    /// The admin menu.
    Admin = "ad", Support;
    /// Admin: statistics.
    AdminStats = "ast", Support;
    /// Admin: look up a user.
    AdminUsers = "aus", Support;
    /// Admin: one page (from 0) of the user list, filtered by the admin's last search.
    AdminUserList(Page) = "aul", Support;
    /// Admin: show a user's profile.
    AdminUser(TelegramId) = "au", Support;
    /// Admin: ask for a message to send to a user.
    AdminMessage(TelegramId) = "amg", Support;
    /// Admin: list plans.
    AdminPlans = "apl", Admin;
    /// Admin: toggle a plan's active flag.
    AdminPlanToggle(PlanId) = "apt", Admin;
    /// Admin: start the add-plan dialogue.
    AdminPlanAdd = "apa", Admin;
    /// Admin: save the plan previewed in the dialogue.
    AdminPlanSave = "aps", Admin;
    /// Admin: replace an existing plan's fields through the plan dialogue.
    AdminPlanEdit(PlanId) = "ape", Admin;
    /// Admin: move a plan one place up in the menu.
    AdminPlanUp(PlanId) = "apu", Admin;
    /// Admin: move a plan one place down in the menu.
    AdminPlanDown(PlanId) = "apd", Admin;
    /// Admin: the panels a plan is sold on.
    AdminPlanPanels(PlanId) = "app", Admin;
    /// Admin: sell a plan on a panel, or stop.
    AdminPlanPanel((PlanId, PanelId)) = "appt", Admin;
    /// Owner: the panels.
    AdminPanels = "apn", Owner;
    /// Owner: one panel.
    AdminPanel(PanelId) = "apnv", Owner;
    /// Owner: offer a panel for new accounts, or stop.
    AdminPanelToggle(PanelId) = "apnt", Owner;
    /// Owner: ask a panel for its version now.
    AdminPanelCheck(PanelId) = "apnc", Owner;
    /// Owner: ask for a panel's new capacity.
    AdminPanelCapacity(PanelId) = "apncp", Owner;
    /// Owner: ask for a panel's new location label.
    AdminPanelLocation(PanelId) = "apnl", Owner;
    /// Owner: start the add-panel dialogue.
    AdminPanelAdd = "apna", Owner;
    /// Admin: start composing a broadcast.
    AdminBroadcast = "abc", Admin;
    /// Admin: choose a broadcast audience.
    AdminAudience(AudienceChoice) = "aau", Admin;
    /// Admin: send the previewed broadcast.
    AdminBroadcastSend = "abs", Admin;
    /// Admin: pause a running broadcast.
    AdminBroadcastPause(BroadcastId) = "abp", Admin;
    /// Admin: resume a paused broadcast.
    AdminBroadcastResume(BroadcastId) = "abr", Admin;
    /// Admin: stop a broadcast for good.
    AdminBroadcastStop(BroadcastId) = "abx", Admin;
    /// Admin: pick a plan to grant a user for free.
    AdminGrant(TelegramId) = "agr", Admin;
    /// Admin: grant this plan to this user (asks for the reason next).
    AdminGrantPlan((TelegramId, PlanId)) = "agp", Admin;
    /// Admin: ban a user.
    AdminBan(TelegramId) = "aban", Admin;
    /// Admin: lift a user's ban.
    AdminUnban(TelegramId) = "aunb", Admin;
    /// Admin: reset a user's test-account eligibility.
    AdminResetTest(TelegramId) = "art", Admin;
    /// Admin: ask how many days to add to a service.
    AdminExtend(ServiceId) = "aex", Admin;
    /// Admin: pick the panel to move a service to.
    AdminMove(ServiceId) = "amv", Admin;
    /// Admin: confirm moving a service to this panel.
    AdminMovePick((ServiceId, PanelId)) = "amvp", Admin;
    /// Admin: start moving a service to this panel.
    AdminMoveStart((ServiceId, PanelId)) = "amvs", Admin;
    /// Admin: queue the provisioning of a stuck paid order again.
    AdminRetryProvision(OrderId) = "apv", Admin;
    /// Admin: start adjusting a user's balance (asks for a signed amount, then a reason).
    AdminBalance(TelegramId) = "abal", Admin;
    /// Admin: apply the balance change previewed in the dialogue.
    AdminBalanceConfirm = "abalc", Admin;
    /// Admin: record that an uncredited payment of this order was refunded outside the bot.
    AdminRefunded(OrderId) = "arf", Admin;
    /// Admin: referral rules, figures and the top referrers.
    AdminReferrals = "aref", Admin;
    /// Admin: one referrer's rewards.
    AdminReferrer(TelegramId) = "arefu", Admin;
    /// Admin: ask to confirm revoking a paid referral reward.
    AdminRewardRevoke(RewardId) = "arwr", Admin;
    /// Admin: revoke a paid referral reward (audited).
    AdminRewardRevokeConfirm(RewardId) = "arwc", Admin;
    /// Admin: the promo codes.
    AdminPromos = "apr", Admin;
    /// Admin: ask for a new promo code in one line.
    AdminPromoAdd = "apra", Admin;
    /// Admin: stop a promo code from being applied.
    AdminPromoDisable(PromoId) = "aprd", Admin;
    /// Owner: the agents, with balance, accounts and sales.
    AdminAgents(Page) = "agl", Owner;
    /// Owner: one agent's terms and figures.
    AdminAgent(TelegramId) = "agv", Owner;
    /// Owner: make a user an agent on default terms.
    AdminAgentMake(TelegramId) = "agm", Owner;
    /// Owner: suspend an agent (they buy nothing; their accounts keep working).
    AdminAgentSuspend(TelegramId) = "ags", Owner;
    /// Owner: let a suspended agent buy again.
    AdminAgentResume(TelegramId) = "agu", Owner;
    /// Owner: credit an agent's balance (the balance dialogue).
    AdminAgentCredit(TelegramId) = "agc", Owner;
    /// Owner: an agent's price of every plan.
    AdminAgentPrices(TelegramId) = "agpl", Owner;
    /// Owner: ask for an agent's price of one plan.
    AdminAgentPrice((TelegramId, PlanId)) = "agps", Owner;
    /// Owner: an agent's price of one plan back to their default discount.
    AdminAgentPriceDefault((TelegramId, PlanId)) = "agpd", Owner;
    /// Owner: ask for an agent's default discount.
    AdminAgentPercent(TelegramId) = "agpo", Owner;
    /// Owner: ask for an agent's credit limit.
    AdminAgentLimit(TelegramId) = "agcl", Owner;
    /// Owner: switch how an agent's bot takes payments (Heleket or none).
    AdminAgentPayments(TelegramId) = "agbp", Owner;
    /// Owner: end a user's role as agent (refused while they own accounts or money).
    AdminAgentRemove(TelegramId) = "agrm", Owner;
    /// Admin: back up now.
    AdminBackup = "abk", Owner;
    /// Owner: write a backup with the config's secrets masked and send it.
    AdminBackupNow = "abkn", Owner;
    /// Owner: write a backup that keeps the config's secrets and send it.
    AdminBackupWithSecrets = "abks", Owner;
    /// Owner: start the restore dialogue (waits for an uploaded archive).
    AdminBackupRestore = "abkr", Owner;
    /// Owner: restore the uploaded archive although it is not signed with this bot's key.
    AdminBackupRestoreUnsigned = "abku", Owner;
}

/// Broadcast audiences an admin can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceChoice {
    /// Every reachable user.
    All,
    /// Users who paid at least once.
    Buyers,
    /// Users who never paid.
    NeverBought,
    /// Users with an active service.
    Active,
    /// Users whose services all expired.
    Expired,
    /// Users who only had a test account.
    TestOnly,
    /// Users who chose English.
    LangEn,
    /// Users who chose Persian.
    LangFa,
}

impl AudienceChoice {
    /// Every choice, in menu order.
    pub const ALL: [Self; 8] = [
        Self::All,
        Self::Buyers,
        Self::NeverBought,
        Self::Active,
        Self::Expired,
        Self::TestOnly,
        Self::LangEn,
        Self::LangFa,
    ];

    /// Its short wire form.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Buyers => "buy",
            Self::NeverBought => "nb",
            Self::Active => "act",
            Self::Expired => "exp",
            Self::TestOnly => "tst",
            Self::LangEn => "en",
            Self::LangFa => "fa",
        }
    }

    /// Parses [`AudienceChoice::code`].
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|it| it.code() == code)
    }
}

/// A page number from 0 in canonical form; pages beyond any real list are refused.
fn page_arg(text: &str) -> Option<u32> {
    canonical_digits(text)
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|it| *it <= MAX_PAGE)
}

/// A positive decimal id in canonical form.
fn id_arg(text: &str) -> Option<i64> {
    canonical_digits(text)
        .then(|| text.parse::<i64>().ok())
        .flatten()
        .filter(|it| *it > 0)
}

/// Digits only, no sign and no leading zeros: each value has one spelling.
fn canonical_digits(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && !(text.len() > 1 && text.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_callback_round_trips_within_64_bytes() {
        let samples = Callback::samples();
        let variants: BTreeSet<&str> = samples
            .iter()
            .map(|it| it.encode())
            .map(|wire| {
                let tag = wire.split(':').nth(1).unwrap_or_default().to_owned();
                Callback::TAGS
                    .iter()
                    .copied()
                    .find(|it| **it == tag)
                    .unwrap_or("?")
            })
            .collect();
        assert_eq!(
            variants.len(),
            Callback::TAGS.len(),
            "a sample of every variant"
        );
        for callback in samples {
            let wire = callback.encode();
            assert!(wire.len() <= 64, "{wire} is {} bytes", wire.len());
            assert_eq!(Callback::decode(&wire), Some(callback), "{wire}");
        }
    }

    #[test]
    fn tags_are_unique() {
        let unique: BTreeSet<&str> = Callback::TAGS.iter().copied().collect();
        assert_eq!(unique.len(), Callback::TAGS.len());
    }

    fn check_rejected(data: &str) {
        assert_eq!(Callback::decode(data), None, "{data:?} should not decode");
    }

    #[test]
    fn stale_and_forged_data_is_rejected() {
        check_rejected("");
        check_rejected("m");
        check_rejected("v0:m");
        check_rejected("v1:");
        check_rejected("v1:m:extra");
        check_rejected("v1:b");
        check_rejected("v1:b:-3");
        check_rejected("v1:b:03");
        check_rejected("v1:b:0");
        check_rejected("v1:b:99999999999999999999");
        // Any language code decodes (the handler checks the bot speaks it); nothing looser does.
        check_rejected("v1:l:deut");
        check_rejected("v1:l:d");
        check_rejected("v1:l:de-AT");
        check_rejected("v1:l:EN");
        check_rejected("v1:nope");
        check_rejected("v1:aul:01");
        check_rejected("v1:aul:100001");
        check_rejected("v1:aul:-1");
        check_rejected("v1:agp:5");
        check_rejected("v1:agp:5:0");
        check_rejected("v1:agp:5:6:7");
        check_rejected("v1:aau:everyone");
    }

    #[test]
    fn staff_buttons_look_like_staff_buttons() {
        for callback in Callback::samples() {
            let wire = callback.encode();
            let looks_staff = wire.starts_with("v1:a") && callback != Callback::Apps;
            assert_eq!(
                looks_staff,
                callback.access() > Role::Customer,
                "{wire}: admin-looking buttons must be staff-only and only those"
            );
        }
    }

    #[test]
    fn the_wire_form_of_each_kind_is_stable() {
        assert_eq!(Callback::SetLang(Lang::FA).encode(), "v1:l:fa");
        assert_eq!(Callback::Menu.encode(), "v1:m");
        assert_eq!(
            Callback::AdminGrantPlan((TelegramId(5), PlanId(6))).encode(),
            "v1:agp:5:6"
        );
        assert_eq!(Callback::AdminUserList(Page(0)).encode(), "v1:aul:0");
        assert_eq!(
            Callback::AdminAudience(AudienceChoice::NeverBought).encode(),
            "v1:aau:nb"
        );
        assert_eq!(Callback::AdminPlanDown(PlanId(3)).encode(), "v1:apd:3");
    }
}
