//! Typed, versioned callback data for inline buttons (≤ 64 bytes on the wire).
//!
//! Every button the bot draws carries one [`Callback`]. The wire form is
//! `v1:<tag>[:<arg>]`; anything that does not parse — an old menu from a
//! previous version, a forged or truncated value — decodes to `None`, and the
//! router answers with "this button has expired" and changes nothing.

use ajib_domain::{BroadcastId, Lang, OrderId, PlanId, ServiceId, TelegramId};

const VERSION: &str = "v1";
/// The highest page number a button may carry (a million users at ten a page).
pub const MAX_PAGE: u32 = 100_000;

/// What a button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// Switch the interface language.
    SetLang(Lang),
    /// Show the main menu.
    Menu,
    /// Show the language picker.
    Language,
    /// List the plans on sale.
    Plans,
    /// Show one plan with a buy button.
    Plan(PlanId),
    /// Buy a plan: create the order and its invoice.
    Buy(PlanId),
    /// Ask again whether an order's invoice was paid.
    CheckPayment(OrderId),
    /// List the user's services.
    Services,
    /// Show one service with usage.
    Service(ServiceId),
    /// Send a service's configs (URI, link, QR) again.
    Config(ServiceId),
    /// Show the renewal offer for a service.
    Renew(ServiceId),
    /// Renew a service: create the renewal order and its invoice.
    RenewBuy(ServiceId),
    /// Show the free test offer.
    TestOffer,
    /// Take the free test account.
    TestConfirm,
    /// Client download links.
    Apps,
    /// Support contact.
    Support,
    /// Help text.
    Help,
    /// The admin menu.
    Admin,
    /// Admin: statistics.
    AdminStats,
    /// Admin: list plans.
    AdminPlans,
    /// Admin: toggle a plan's active flag.
    AdminPlanToggle(PlanId),
    /// Admin: start the add-plan dialogue.
    AdminPlanAdd,
    /// Admin: save the plan previewed in the dialogue.
    AdminPlanSave,
    /// Admin: replace an existing plan's fields through the plan dialogue.
    AdminPlanEdit(PlanId),
    /// Admin: move a plan one place up (`true`) or down in the menu.
    AdminPlanMove(PlanId, bool),
    /// Admin: start composing a broadcast.
    AdminBroadcast,
    /// Admin: choose a broadcast audience.
    AdminAudience(AudienceChoice),
    /// Admin: send the previewed broadcast.
    AdminBroadcastSend,
    /// Admin: pause a running broadcast.
    AdminBroadcastPause(BroadcastId),
    /// Admin: resume a paused broadcast.
    AdminBroadcastResume(BroadcastId),
    /// Admin: stop a broadcast for good.
    AdminBroadcastStop(BroadcastId),
    /// Admin: look up a user.
    AdminUsers,
    /// Admin: one page (from 0) of the user list, filtered by the admin's last search.
    AdminUserList(u32),
    /// Admin: pick a plan to grant a user for free.
    AdminGrant(TelegramId),
    /// Admin: grant this plan to this user (asks for the reason next).
    AdminGrantPlan(TelegramId, PlanId),
    /// Admin: ban or unban a user.
    AdminBan(TelegramId, bool),
    /// Admin: reset a user's test-account eligibility.
    AdminResetTest(TelegramId),
    /// Admin: show a user's profile.
    AdminUser(TelegramId),
    /// Admin: ask how many days to add to a service.
    AdminExtend(ServiceId),
    /// Admin: ask for a message to send to a user.
    AdminMessage(TelegramId),
    /// Admin: back up now.
    AdminBackup,
    /// Owner: write a backup with the config's secrets masked and send it.
    AdminBackupNow,
    /// Owner: write a backup that keeps the config's secrets and send it.
    AdminBackupWithSecrets,
    /// Owner: start the restore dialogue (waits for an uploaded archive).
    AdminBackupRestore,
    /// Admin: queue the provisioning of a stuck paid order again.
    AdminRetryProvision(OrderId),
    /// Cancel the current dialogue.
    Cancel,
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

    fn code(self) -> &'static str {
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

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|it| it.code() == code)
    }
}

impl Callback {
    /// The wire form, at most 64 bytes.
    #[must_use]
    pub fn encode(self) -> String {
        let (tag, arg): (&str, Option<String>) = match self {
            Self::SetLang(lang) => ("l", Some(lang.code().to_owned())),
            Self::Menu => ("m", None),
            Self::Language => ("lg", None),
            Self::Plans => ("ps", None),
            Self::Plan(id) => ("p", Some(id.0.to_string())),
            Self::Buy(id) => ("b", Some(id.0.to_string())),
            Self::CheckPayment(id) => ("c", Some(id.0.to_string())),
            Self::Services => ("ss", None),
            Self::Service(id) => ("s", Some(id.0.to_string())),
            Self::Config(id) => ("cf", Some(id.0.to_string())),
            Self::Renew(id) => ("r", Some(id.0.to_string())),
            Self::RenewBuy(id) => ("rb", Some(id.0.to_string())),
            Self::TestOffer => ("t", None),
            Self::TestConfirm => ("tc", None),
            Self::Apps => ("a", None),
            Self::Support => ("su", None),
            Self::Help => ("h", None),
            Self::Admin => ("ad", None),
            Self::AdminStats => ("ast", None),
            Self::AdminPlans => ("apl", None),
            Self::AdminPlanToggle(id) => ("apt", Some(id.0.to_string())),
            Self::AdminPlanAdd => ("apa", None),
            Self::AdminPlanSave => ("aps", None),
            Self::AdminPlanEdit(id) => ("ape", Some(id.0.to_string())),
            Self::AdminPlanMove(id, up) => (if up { "apu" } else { "apd" }, Some(id.0.to_string())),
            Self::AdminBroadcast => ("abc", None),
            Self::AdminAudience(choice) => ("aau", Some(choice.code().to_owned())),
            Self::AdminBroadcastSend => ("abs", None),
            Self::AdminBroadcastPause(id) => ("abp", Some(id.0.to_string())),
            Self::AdminBroadcastResume(id) => ("abr", Some(id.0.to_string())),
            Self::AdminBroadcastStop(id) => ("abx", Some(id.0.to_string())),
            Self::AdminUsers => ("aus", None),
            Self::AdminUserList(page) => ("aul", Some(page.to_string())),
            Self::AdminGrant(user) => ("agr", Some(user.0.to_string())),
            Self::AdminGrantPlan(user, plan) => ("agp", Some(format!("{}:{}", user.0, plan.0))),
            Self::AdminBan(user, ban) => {
                (if ban { "aban" } else { "aunb" }, Some(user.0.to_string()))
            }
            Self::AdminResetTest(user) => ("art", Some(user.0.to_string())),
            Self::AdminUser(user) => ("au", Some(user.0.to_string())),
            Self::AdminExtend(id) => ("aex", Some(id.0.to_string())),
            Self::AdminMessage(user) => ("amg", Some(user.0.to_string())),
            Self::AdminBackup => ("abk", None),
            Self::AdminBackupNow => ("abkn", None),
            Self::AdminBackupWithSecrets => ("abks", None),
            Self::AdminBackupRestore => ("abkr", None),
            Self::AdminRetryProvision(id) => ("apv", Some(id.0.to_string())),
            Self::Cancel => ("x", None),
        };
        match arg {
            Some(arg) => format!("{VERSION}:{tag}:{arg}"),
            None => format!("{VERSION}:{tag}"),
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
        let res = match (tag, arg) {
            ("l", Some(code)) => Self::SetLang(Lang::parse(code)?),
            ("m", None) => Self::Menu,
            ("lg", None) => Self::Language,
            ("ps", None) => Self::Plans,
            ("p", Some(id)) => Self::Plan(PlanId(id_arg(id)?)),
            ("b", Some(id)) => Self::Buy(PlanId(id_arg(id)?)),
            ("c", Some(id)) => Self::CheckPayment(OrderId(id_arg(id)?)),
            ("ss", None) => Self::Services,
            ("s", Some(id)) => Self::Service(ServiceId(id_arg(id)?)),
            ("cf", Some(id)) => Self::Config(ServiceId(id_arg(id)?)),
            ("r", Some(id)) => Self::Renew(ServiceId(id_arg(id)?)),
            ("rb", Some(id)) => Self::RenewBuy(ServiceId(id_arg(id)?)),
            ("t", None) => Self::TestOffer,
            ("tc", None) => Self::TestConfirm,
            ("a", None) => Self::Apps,
            ("su", None) => Self::Support,
            ("h", None) => Self::Help,
            ("ad", None) => Self::Admin,
            ("ast", None) => Self::AdminStats,
            ("apl", None) => Self::AdminPlans,
            ("apt", Some(id)) => Self::AdminPlanToggle(PlanId(id_arg(id)?)),
            ("apa", None) => Self::AdminPlanAdd,
            ("aps", None) => Self::AdminPlanSave,
            ("ape", Some(id)) => Self::AdminPlanEdit(PlanId(id_arg(id)?)),
            ("apu", Some(id)) => Self::AdminPlanMove(PlanId(id_arg(id)?), true),
            ("apd", Some(id)) => Self::AdminPlanMove(PlanId(id_arg(id)?), false),
            ("abc", None) => Self::AdminBroadcast,
            ("aau", Some(code)) => Self::AdminAudience(AudienceChoice::parse(code)?),
            ("abs", None) => Self::AdminBroadcastSend,
            ("abp", Some(id)) => Self::AdminBroadcastPause(BroadcastId(id_arg(id)?)),
            ("abr", Some(id)) => Self::AdminBroadcastResume(BroadcastId(id_arg(id)?)),
            ("abx", Some(id)) => Self::AdminBroadcastStop(BroadcastId(id_arg(id)?)),
            ("aus", None) => Self::AdminUsers,
            ("aul", Some(page)) => Self::AdminUserList(page_arg(page)?),
            ("agr", Some(id)) => Self::AdminGrant(TelegramId(id_arg(id)?)),
            ("agp", Some(ids)) => {
                let (user, plan) = ids.split_once(':')?;
                Self::AdminGrantPlan(TelegramId(id_arg(user)?), PlanId(id_arg(plan)?))
            }
            ("aban", Some(id)) => Self::AdminBan(TelegramId(id_arg(id)?), true),
            ("aunb", Some(id)) => Self::AdminBan(TelegramId(id_arg(id)?), false),
            ("art", Some(id)) => Self::AdminResetTest(TelegramId(id_arg(id)?)),
            ("au", Some(id)) => Self::AdminUser(TelegramId(id_arg(id)?)),
            ("aex", Some(id)) => Self::AdminExtend(ServiceId(id_arg(id)?)),
            ("amg", Some(id)) => Self::AdminMessage(TelegramId(id_arg(id)?)),
            ("abk", None) => Self::AdminBackup,
            ("abkn", None) => Self::AdminBackupNow,
            ("abks", None) => Self::AdminBackupWithSecrets,
            ("abkr", None) => Self::AdminBackupRestore,
            ("apv", Some(id)) => Self::AdminRetryProvision(OrderId(id_arg(id)?)),
            ("x", None) => Self::Cancel,
            _ => return None,
        };
        Some(res)
    }

    /// Whether only admins may press this button.
    #[must_use]
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Self::Admin
                | Self::AdminStats
                | Self::AdminPlans
                | Self::AdminPlanToggle(_)
                | Self::AdminPlanAdd
                | Self::AdminPlanSave
                | Self::AdminPlanEdit(_)
                | Self::AdminPlanMove(..)
                | Self::AdminBroadcast
                | Self::AdminAudience(_)
                | Self::AdminBroadcastSend
                | Self::AdminBroadcastPause(_)
                | Self::AdminBroadcastResume(_)
                | Self::AdminBroadcastStop(_)
                | Self::AdminUsers
                | Self::AdminUserList(_)
                | Self::AdminGrant(_)
                | Self::AdminGrantPlan(..)
                | Self::AdminBan(..)
                | Self::AdminResetTest(_)
                | Self::AdminUser(_)
                | Self::AdminExtend(_)
                | Self::AdminMessage(_)
                | Self::AdminBackup
                | Self::AdminBackupNow
                | Self::AdminBackupWithSecrets
                | Self::AdminBackupRestore
                | Self::AdminRetryProvision(_)
        )
    }
}

impl Callback {
    /// Whether the support role may press it: read-only screens, lookups and messages to users.
    #[must_use]
    pub fn is_support_allowed(self) -> bool {
        matches!(
            self,
            Self::Admin
                | Self::AdminStats
                | Self::AdminUsers
                | Self::AdminUserList(_)
                | Self::AdminUser(_)
                | Self::AdminMessage(_)
        )
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
    use super::*;

    fn every_callback() -> Vec<Callback> {
        let big = i64::MAX;
        let mut res = vec![
            Callback::SetLang(Lang::En),
            Callback::SetLang(Lang::Fa),
            Callback::Menu,
            Callback::Language,
            Callback::Plans,
            Callback::Plan(PlanId(big)),
            Callback::Buy(PlanId(big)),
            Callback::CheckPayment(OrderId(big)),
            Callback::Services,
            Callback::Service(ServiceId(big)),
            Callback::Config(ServiceId(big)),
            Callback::Renew(ServiceId(big)),
            Callback::RenewBuy(ServiceId(big)),
            Callback::TestOffer,
            Callback::TestConfirm,
            Callback::Apps,
            Callback::Support,
            Callback::Help,
            Callback::Admin,
            Callback::AdminStats,
            Callback::AdminPlans,
            Callback::AdminPlanToggle(PlanId(big)),
            Callback::AdminPlanAdd,
            Callback::AdminPlanSave,
            Callback::AdminPlanEdit(PlanId(big)),
            Callback::AdminPlanMove(PlanId(big), true),
            Callback::AdminPlanMove(PlanId(big), false),
            Callback::AdminUserList(0),
            Callback::AdminUserList(MAX_PAGE),
            Callback::AdminGrant(TelegramId(big)),
            Callback::AdminGrantPlan(TelegramId(big), PlanId(big)),
            Callback::AdminBroadcast,
            Callback::AdminBroadcastSend,
            Callback::AdminBroadcastPause(BroadcastId(big)),
            Callback::AdminBroadcastResume(BroadcastId(big)),
            Callback::AdminBroadcastStop(BroadcastId(big)),
            Callback::AdminUsers,
            Callback::AdminBan(TelegramId(big), true),
            Callback::AdminBan(TelegramId(big), false),
            Callback::AdminResetTest(TelegramId(big)),
            Callback::AdminUser(TelegramId(big)),
            Callback::AdminExtend(ServiceId(big)),
            Callback::AdminMessage(TelegramId(big)),
            Callback::AdminBackup,
            Callback::AdminBackupNow,
            Callback::AdminBackupWithSecrets,
            Callback::AdminBackupRestore,
            Callback::AdminRetryProvision(OrderId(big)),
            Callback::Cancel,
        ];
        res.extend(AudienceChoice::ALL.map(Callback::AdminAudience));
        res
    }

    #[test]
    fn every_callback_round_trips_within_64_bytes() {
        for callback in every_callback() {
            let wire = callback.encode();
            assert!(wire.len() <= 64, "{wire} is {} bytes", wire.len());
            assert_eq!(Callback::decode(&wire), Some(callback), "{wire}");
        }
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
        check_rejected("v1:l:de");
        check_rejected("v1:nope");
        check_rejected("v1:aul:01");
        check_rejected("v1:aul:100001");
        check_rejected("v1:aul:-1");
        check_rejected("v1:agp:5");
        check_rejected("v1:agp:5:0");
        check_rejected("v1:agp:5:6:7");
    }

    #[test]
    fn admin_buttons_are_marked() {
        let admin: Vec<_> = every_callback()
            .into_iter()
            .filter(|it| it.is_admin())
            .collect();
        assert!(
            admin
                .iter()
                .all(|it| it.encode().starts_with("v1:a") && it.encode() != "v1:a")
        );
        assert!(!Callback::Apps.is_admin());
        let unmarked: Vec<_> = every_callback()
            .into_iter()
            .filter(|it| it.encode().starts_with("v1:a") && *it != Callback::Apps)
            .filter(|it| !it.is_admin())
            .collect();
        assert_eq!(unmarked, [], "admin-looking buttons must be admin-only");
    }
}
