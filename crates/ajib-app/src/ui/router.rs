//! All routing in one place: an update becomes a typed command or callback, then a handler call.

use std::{sync::Mutex, time::Instant};

use ajib_domain::TelegramId;
use ajib_storage::{UserRow, UserSeen};
use ajib_transport::{
    CallbackQuery, ChatMemberChange, FloodGuard, FloodVerdict, IncomingMessage, Outgoing, Priority,
    Update, UserInfo,
};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    role::Role,
    ui::{
        Ctx, Handled, HandlerError, Reply, admin, admin_agents, admin_backup, admin_balance,
        admin_broadcast, admin_grant, admin_moves, admin_orders, admin_panels, admin_promos,
        admin_referrals, admin_staff, admin_stats, admin_user_list, admin_users, agent,
        agent_accounts, agent_bot, agent_buy, agent_prices, balance, card, channel,
        dialog::{self, Dialog, Input, UserStep},
        link_account, notice, promo, referrals, services, shop, stars, start, test_account,
    },
};

/// A text command the bot understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start [payload]`: welcome and main menu; the payload is a deep-link tag.
    Start(Option<String>),
    /// `/menu`: the main menu.
    Menu,
    /// `/help`: how the bot works.
    Help,
    /// `/language`: choose the language.
    Language,
    /// `/admin`: the admin menu (admins only).
    Admin,
    /// `/cancel`: leave a dialogue.
    Cancel,
    /// `/admins [add ID admin|support | remove ID]`: staff management (owners only).
    Admins(Option<String>),
}

impl Command {
    /// Parses `/name[@bot] [args]`; `None` for plain text or unknown commands.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let rest = text.strip_prefix('/')?;
        let (head, arg) = match rest.split_once(char::is_whitespace) {
            Some((head, arg)) => (head, Some(arg.trim()).filter(|it| !it.is_empty())),
            None => (rest, None),
        };
        let name = head.split('@').next().unwrap_or(head);
        let res = match name {
            "start" => Self::Start(arg.map(str::to_owned)),
            "menu" => Self::Menu,
            "help" => Self::Help,
            "language" | "lang" => Self::Language,
            "admin" => Self::Admin,
            "cancel" => Self::Cancel,
            "admins" => Self::Admins(arg.map(str::to_owned)),
            _ => return None,
        };
        Some(res)
    }
}

/// What the UI keeps from one update to the next: the per-user flood guard.
#[derive(Debug)]
pub struct UiState {
    flood: Mutex<FloodGuard>,
}

impl UiState {
    /// Starts with `flood` and no history.
    #[must_use]
    pub fn new(flood: FloodGuard) -> Self {
        Self {
            flood: Mutex::new(flood),
        }
    }
}

/// Handles one update completely: records the user, routes, and sends the reply.
pub async fn handle(deps: &Deps, ui: &UiState, update: Update) {
    match update {
        Update::Message(message) => on_message(deps, ui, message).await,
        Update::Callback(query) => on_callback(deps, ui, query).await,
        Update::ChatMember(change) => on_chat_member(deps, &change).await,
        Update::PreCheckout(query) => stars::on_pre_checkout(deps, &query).await,
    }
}

async fn on_message(deps: &Deps, ui: &UiState, message: IncomingMessage) {
    // Only private chats are customers; groups the bot was added to are ignored.
    if message.chat_id != message.from.id {
        return;
    }
    let first_contact = is_first_contact(deps, &message).await;
    let Some((row, ctx)) = enter(deps, &message.from, message.chat_id, None).await else {
        return;
    };
    // A payment is money taken: it is settled whatever the flood guard says.
    if let Some(payment) = &message.successful_payment {
        let handled = stars::on_payment(deps, &ctx, payment).await;
        send(deps, finish(deps, &ctx, "a Stars payment", handled));
        return;
    }
    if !admit(deps, ui, &row, &ctx).await {
        return;
    }
    // An owner restoring a backup uploads it as a document; anything else falls through.
    if ctx.role.is_staff()
        && let Some(document) = &message.document
        && let Some(handled) = admin_backup::on_document(deps, &ctx, document).await
    {
        send(deps, finish(deps, &ctx, "a backup upload", handled));
        return;
    }
    let text = message.text.as_deref().unwrap_or_default();
    let (what, handled) = match Command::parse(text) {
        Some(command) => (
            "a command",
            on_command(deps, &ctx, &row, &message.from, command, first_contact).await,
        ),
        None => (
            "a message",
            on_input(deps, &ctx, &Input::of(&message), message.message_id).await,
        ),
    };
    send(deps, finish(deps, &ctx, what, handled));
}

async fn on_command(
    deps: &Deps,
    ctx: &Ctx,
    row: &UserRow,
    from: &UserInfo,
    command: Command,
    first_contact: bool,
) -> Handled {
    match command {
        Command::Start(payload) => {
            dialog::close(deps, ctx.user).await;
            referrals::on_first_start(deps, ctx, payload.as_deref(), first_contact).await;
            let lang = start::user_lang(deps, row.lang, from.language_code.as_deref());
            start::on_start(deps, ctx, &from.first_name, payload.as_deref(), lang).await
        }
        Command::Menu => start::main_menu(deps, ctx).await,
        Command::Help => start::help(deps, ctx),
        Command::Language => start::language_picker(deps, ctx),
        Command::Cancel => {
            dialog::close(deps, ctx.user).await;
            start::main_menu(deps, ctx).await
        }
        Command::Admin if ctx.role.is_staff() => admin::menu(deps, ctx),
        Command::Admin => Ok(refuse(deps, ctx, Role::Support, "/admin")),
        Command::Admins(args) if ctx.role == Role::Owner => {
            admin_staff::admins(deps, ctx, args.as_deref()).await
        }
        Command::Admins(_) => Ok(refuse(deps, ctx, Role::Owner, "/admins")),
    }
}

/// Text (or a photo) that is not a command: an answer to the user's open dialogue, or not understood.
///
/// The dialogue is loaded with the user's role as it is now, so a step their
/// role no longer allows is refused (and the dialogue closed), not taken.
async fn on_input(deps: &Deps, ctx: &Ctx, input: &Input<'_>, message_id: i32) -> Handled {
    let Some(dialog) = dialog::load(deps, ctx.user, ctx.role).await else {
        let mut reply = vec![ctx.say(deps.t(ctx.lang, "unknown-input", &[]))];
        reply.extend(start::main_menu(deps, ctx).await?);
        return Ok(reply);
    };
    match dialog {
        Dialog::AddPlan(draft) => admin::add_plan_step(deps, ctx, draft, input.text).await,
        Dialog::Broadcast(_) => admin_broadcast::on_input(deps, ctx, input).await,
        Dialog::Users(UserStep::Search { .. }) => {
            admin_user_list::search(deps, ctx, input.text).await
        }
        Dialog::Users(UserStep::GrantReason(user, plan)) => {
            admin_grant::grant(deps, ctx, user, plan, input.text).await
        }
        Dialog::Users(UserStep::Days(service)) => {
            admin_users::extend(deps, ctx, service, input.text).await
        }
        Dialog::Users(UserStep::Message(user)) => {
            admin_users::message(deps, ctx, user, input).await
        }
        Dialog::Users(UserStep::BalanceAmount(user)) => {
            admin_balance::on_amount(deps, ctx, user, input.text).await
        }
        Dialog::Users(UserStep::BalanceReason(user, delta_minor)) => {
            admin_balance::on_reason(deps, ctx, user, delta_minor, input.text).await
        }
        // Text sent at the preview replaces the reason and shows the preview again.
        Dialog::Users(UserStep::BalancePreview(it)) => {
            admin_balance::on_reason(deps, ctx, it.user, it.delta_minor, input.text).await
        }
        Dialog::RestoreBackup | Dialog::ConfirmUnsignedRestore(_) => {
            admin_backup::still_waiting(deps, ctx)
        }
        Dialog::TopupAmount => balance::topup_typed(deps, ctx, input.text).await,
        Dialog::LinkAccount => link_account::typed(deps, ctx, input.text).await,
        Dialog::Panel(step) => {
            admin_panels::on_input(deps, ctx, step, input.text, message_id).await
        }
        Dialog::Promo(step) => promo::typed(deps, ctx, step, input.text).await,
        Dialog::PromoAdd => admin_promos::typed(deps, ctx, input.text).await,
        Dialog::CardReceipt(order) => card::receipt(deps, ctx, order, input).await,
        Dialog::CardReject(id) => card::reject(deps, ctx, id, input.text).await,
        Dialog::Agent(step) => agent::on_input(deps, ctx, step, input.text, message_id).await,
        Dialog::AgentTerms(step) => admin_agents::typed(deps, ctx, step, input.text).await,
    }
}

async fn on_callback(deps: &Deps, ui: &UiState, query: CallbackQuery) {
    // Answer first, always, so the user's client stops its spinner whatever happens next.
    deps.outbox.enqueue(
        Outgoing::AnswerCallback {
            callback_id: query.id.clone(),
            text: None,
            alert: false,
        },
        Priority::Interactive,
    );
    let Some((row, ctx)) = enter(deps, &query.from, query.chat_id, Some(query.message_id)).await
    else {
        return;
    };
    if !admit(deps, ui, &row, &ctx).await {
        return;
    }
    let handled = match Callback::decode(&query.data) {
        None => Err(HandlerError::stale(
            "callback data this version did not make",
        )),
        Some(callback) if !ctx.role.allows(callback.access()) => {
            Ok(refuse(deps, &ctx, callback.access(), &query.data))
        }
        Some(callback) => on_button(deps, &ctx, callback).await,
    };
    send(deps, finish(deps, &ctx, &query.data, handled));
}

async fn on_button(deps: &Deps, ctx: &Ctx, callback: Callback) -> Handled {
    // The shop and the free test wait for the required channel, whichever button leads there.
    if let Some(next) = channel::guarded(callback)
        && let Some(join) = channel::gate(deps, ctx, next).await
    {
        return join;
    }
    match callback {
        Callback::ChannelJoined(next) => channel::on_joined(deps, ctx, next).await,
        Callback::SetLang(lang) => start::on_set_lang(deps, ctx, lang).await,
        Callback::Menu => start::main_menu(deps, ctx).await,
        Callback::Language => start::language_picker(deps, ctx),
        Callback::Plans => shop::plans(deps, ctx).await,
        Callback::Plan(id) => shop::plan(deps, ctx, id).await,
        Callback::Buy(id) => shop::buy(deps, ctx, id, None).await,
        Callback::PlanAt((id, panel)) => shop::plan_at(deps, ctx, id, panel).await,
        Callback::BuyAt((id, panel)) => shop::buy_at(deps, ctx, id, panel, None).await,
        Callback::RenewWith((id, plan)) => shop::renew_with(deps, ctx, id, plan).await,
        Callback::RenewBuyWith((id, plan)) => shop::renew_buy_with(deps, ctx, id, plan).await,
        Callback::CheckPayment(id) => {
            shop::check_payment(
                deps,
                &Ctx {
                    message_id: None,
                    ..*ctx
                },
                id,
            )
            .await
        }
        Callback::Services => services::list(deps, ctx).await,
        Callback::Service(id) => services::details(deps, ctx, id).await,
        Callback::LinkAccount => link_account::start(deps, ctx).await,
        Callback::Config(id) => services::config(deps, ctx, id).await,
        Callback::Renew(id) => shop::renew(deps, ctx, id).await,
        Callback::RenewBuy(id) => shop::renew_buy(deps, ctx, id).await,
        Callback::AutoRenew(id) => services::toggle_auto_renew(deps, ctx, id).await,
        Callback::TestOffer => test_account::offer(deps, ctx).await,
        Callback::TestConfirm => test_account::confirm(deps, ctx).await,
        Callback::Apps => start::apps(deps, ctx),
        Callback::Balance => balance::show(deps, ctx).await,
        Callback::Invite => referrals::invite(deps, ctx).await,
        Callback::AddFunds => balance::add_funds(deps, ctx).await,
        Callback::Topup(units) => balance::topup_units(deps, ctx, units).await,
        Callback::TopupOther => balance::topup_other(deps, ctx).await,
        Callback::CheckTopup(id) => balance::check_topup(deps, ctx, id).await,
        Callback::PromoAsk(plan) => promo::ask(deps, ctx, plan).await,
        Callback::PromoPlan(id) => promo::plan(deps, ctx, id).await,
        Callback::PromoPlanAt(panel) => promo::plan_at(deps, ctx, panel).await,
        Callback::PromoBuy(id) => promo::buy(deps, ctx, id, None).await,
        Callback::PromoBuyAt((id, panel)) => promo::buy(deps, ctx, id, Some(panel)).await,
        Callback::StarsBuy(id) => stars::buy(deps, ctx, id, None).await,
        Callback::StarsBuyAt((id, panel)) => stars::buy(deps, ctx, id, Some(panel)).await,
        Callback::StarsRefund(id) => stars::refund(deps, ctx, id).await,
        Callback::CardPay(id) => card::offer(deps, ctx, id).await,
        Callback::CardApprove(id) => card::approve(deps, ctx, id).await,
        Callback::CardReject(id) => card::ask_reject(deps, ctx, id).await,
        Callback::Support => start::support(deps, ctx),
        Callback::Help => start::help(deps, ctx),
        Callback::Admin => admin::menu(deps, ctx),
        Callback::AdminStats => admin_stats::stats(deps, ctx).await,
        Callback::AdminPlans => admin::plans(deps, ctx).await,
        Callback::AdminPlanPanels(id) => admin_panels::plan_panels(deps, ctx, id).await,
        Callback::AdminPlanPanel((plan, panel)) => {
            admin_panels::toggle_plan_panel(deps, ctx, plan, panel).await
        }
        Callback::AdminPanels => admin_panels::panels(deps, ctx).await,
        Callback::AdminPanel(id) => admin_panels::panel_screen(deps, ctx, id).await,
        Callback::AdminPanelToggle(id) => admin_panels::toggle(deps, ctx, id).await,
        Callback::AdminPanelCheck(id) => admin_panels::check(deps, ctx, id).await,
        Callback::AdminPanelCapacity(id) => admin_panels::ask_capacity(deps, ctx, id).await,
        Callback::AdminPanelLocation(id) => admin_panels::ask_location(deps, ctx, id).await,
        Callback::AdminPanelAdd => admin_panels::start_add(deps, ctx).await,
        Callback::AdminPlanToggle(id) => admin::toggle_plan(deps, ctx, id).await,
        Callback::AdminPlanAdd => admin::start_add_plan(deps, ctx).await,
        Callback::AdminPlanSave => admin::save_plan(deps, ctx).await,
        Callback::AdminPlanEdit(id) => admin::start_edit_plan(deps, ctx, id).await,
        Callback::AdminPlanUp(id) => admin::move_plan(deps, ctx, id, true).await,
        Callback::AdminPlanDown(id) => admin::move_plan(deps, ctx, id, false).await,
        Callback::AdminBackup => admin_backup::screen(deps, ctx),
        Callback::AdminBackupNow => admin_backup::back_up_now(deps, ctx).await,
        Callback::AdminBackupWithSecrets => admin_backup::back_up_with_secrets(deps, ctx).await,
        Callback::AdminBackupRestore => admin_backup::ask_restore(deps, ctx).await,
        Callback::AdminBackupRestoreUnsigned => admin_backup::confirm_unsigned(deps, ctx).await,
        Callback::Cancel => {
            dialog::close(deps, ctx.user).await;
            start::main_menu(
                deps,
                &Ctx {
                    message_id: None,
                    ..*ctx
                },
            )
            .await
        }
        Callback::AdminBroadcast => admin_broadcast::start(deps, ctx).await,
        Callback::AdminAudience(choice) => {
            admin_broadcast::choose_audience(deps, ctx, choice).await
        }
        Callback::AdminBroadcastSend => admin_broadcast::send(deps, ctx).await,
        Callback::AdminBroadcastPause(id) => admin_broadcast::pause(deps, ctx, id).await,
        Callback::AdminBroadcastResume(id) => admin_broadcast::resume(deps, ctx, id).await,
        Callback::AdminBroadcastStop(id) => admin_broadcast::stop(deps, ctx, id).await,
        Callback::AdminUsers => admin_user_list::start(deps, ctx).await,
        Callback::AdminUserList(page) => admin_user_list::page(deps, ctx, page.0).await,
        Callback::AdminGrant(user) => admin_grant::pick_plan(deps, ctx, user).await,
        Callback::AdminGrantPlan((user, plan)) => {
            admin_grant::ask_reason(deps, ctx, user, plan).await
        }
        Callback::AdminUser(user) => admin_users::profile(deps, ctx, user).await,
        Callback::AdminBan(user) => admin_users::set_banned(deps, ctx, user, true).await,
        Callback::AdminUnban(user) => admin_users::set_banned(deps, ctx, user, false).await,
        Callback::AdminResetTest(user) => admin_users::reset_test(deps, ctx, user).await,
        Callback::AdminExtend(id) => admin_users::ask_days(deps, ctx, id).await,
        Callback::AdminMove(id) => admin_moves::pick_panel(deps, ctx, id).await,
        Callback::AdminMovePick((id, to)) => admin_moves::confirm(deps, ctx, id, to).await,
        Callback::AdminMoveStart((id, to)) => admin_moves::start(deps, ctx, id, to).await,
        Callback::AdminMessage(user) => admin_users::ask_message(deps, ctx, user).await,
        Callback::AdminRetryProvision(order) => admin_orders::retry(deps, ctx, order).await,
        Callback::AdminBalance(user) => admin_balance::ask_amount(deps, ctx, user).await,
        Callback::AdminRefunded(order) => admin_users::mark_refunded(deps, ctx, order).await,
        Callback::AdminPromos => admin_promos::list(deps, ctx).await,
        Callback::AdminPromoAdd => admin_promos::ask(deps, ctx).await,
        Callback::AdminPromoDisable(id) => admin_promos::disable(deps, ctx, id).await,
        Callback::AdminReferrals => admin_referrals::referrals(deps, ctx).await,
        Callback::AdminReferrer(user) => admin_referrals::referrer(deps, ctx, user).await,
        Callback::AdminRewardRevoke(id) => admin_referrals::ask_revoke(deps, ctx, id).await,
        Callback::AdminRewardRevokeConfirm(id) => admin_referrals::revoke(deps, ctx, id).await,
        Callback::AdminBalanceConfirm => admin_balance::confirm(deps, ctx).await,
        Callback::Agent => agent::home(deps, ctx).await,
        Callback::AgentBuy => agent_buy::buy_plans(deps, ctx).await,
        Callback::AgentBuyPlan(plan) => agent_buy::ask_label(deps, ctx, plan).await,
        Callback::AgentBulk => agent_buy::bulk_plans(deps, ctx).await,
        Callback::AgentBulkPlan(plan) => agent_buy::ask_count(deps, ctx, plan).await,
        Callback::AgentBulkConfirm => agent_buy::bulk_confirm(deps, ctx).await,
        Callback::AgentAccounts(page) => agent_accounts::list(deps, ctx, page).await,
        Callback::AgentAccount(id) => agent_accounts::account(deps, ctx, id).await,
        Callback::AgentRenew(id) => agent_accounts::renew_plans(deps, ctx, id).await,
        Callback::AgentRenewPlan((id, plan)) => {
            agent_accounts::renew_plan(deps, ctx, id, plan).await
        }
        Callback::AgentRenewConfirm => agent_accounts::renew_confirm(deps, ctx).await,
        Callback::AgentConfigs(id) => agent_accounts::configs(deps, ctx, id).await,
        Callback::AgentPrices => agent_prices::prices(deps, ctx).await,
        Callback::AgentRetail(plan) => agent_prices::ask_retail(deps, ctx, plan).await,
        Callback::AgentBot => agent_bot::screen(deps, ctx).await,
        Callback::AgentBotConnect => agent_bot::ask_token(deps, ctx).await,
        Callback::AgentBotBrand => agent_bot::ask_brand(deps, ctx).await,
        Callback::AgentBotSupport => agent_bot::ask_support(deps, ctx).await,
        Callback::AgentBotDisconnect => agent_bot::ask_disconnect(deps, ctx).await,
        Callback::AgentBotDisconnectConfirm => agent_bot::disconnect(deps, ctx).await,
        Callback::AdminAgents(page) => admin_agents::list(deps, ctx, page).await,
        Callback::AdminAgent(user) => admin_agents::show(deps, ctx, user).await,
        Callback::AdminAgentMake(user) => admin_agents::make(deps, ctx, user).await,
        Callback::AdminAgentSuspend(user) => {
            admin_agents::set_suspended(deps, ctx, user, true).await
        }
        Callback::AdminAgentResume(user) => {
            admin_agents::set_suspended(deps, ctx, user, false).await
        }
        Callback::AdminAgentCredit(user) => admin_agents::credit(deps, ctx, user).await,
        Callback::AdminAgentPrices(user) => admin_agents::prices(deps, ctx, user).await,
        Callback::AdminAgentPrice((user, plan)) => {
            admin_agents::ask_price(deps, ctx, user, plan).await
        }
        Callback::AdminAgentPriceDefault((user, plan)) => {
            admin_agents::price_default(deps, ctx, user, plan).await
        }
        Callback::AdminAgentPercent(user) => admin_agents::ask_percent(deps, ctx, user).await,
        Callback::AdminAgentLimit(user) => admin_agents::ask_limit(deps, ctx, user).await,
        Callback::AdminAgentPayments(user) => admin_agents::toggle_payments(deps, ctx, user).await,
        Callback::AdminAgentRemove(user) => admin_agents::remove(deps, ctx, user).await,
    }
}

async fn on_chat_member(deps: &Deps, change: &ChatMemberChange) {
    if change.chat_id != change.user_id {
        return;
    }
    let user = TelegramId(change.user_id);
    if let Err(err) = deps.store.set_user_blocked(user, change.blocked).await {
        log::warn!(
            "could not record that {user} blocked={}: {err}",
            change.blocked
        );
    }
}

/// Whether `message` is a `/start` with a payload from a user the bot has
/// never seen: their row does not exist before this update records it. One
/// chat's updates are handled one at a time, so nothing else can make the row
/// meanwhile. Only an invite link needs to know, so only its `/start` asks.
async fn is_first_contact(deps: &Deps, message: &IncomingMessage) -> bool {
    let text = message.text.as_deref().unwrap_or_default();
    if !matches!(Command::parse(text), Some(Command::Start(Some(_)))) {
        return false;
    }
    match deps.store.get_user(TelegramId(message.from.id)).await {
        Ok(found) => found.is_none(),
        Err(err) => {
            log::warn!("could not look up {}: {err}", message.from.id);
            false
        }
    }
}

/// Records the user and builds the context; `None` when storage is down (logged).
async fn enter(
    deps: &Deps,
    from: &UserInfo,
    chat: i64,
    message_id: Option<i32>,
) -> Option<(UserRow, Ctx)> {
    let user = TelegramId(from.id);
    let seen = UserSeen {
        id: user,
        username: from.username.clone(),
        first_name: from.first_name.clone(),
        now: now(),
    };
    let row = match deps.store.upsert_user(&seen).await {
        Ok(row) => row,
        Err(err) => {
            log::error!("could not record user {user}: {err}");
            return None;
        }
    };
    if row.blocked_bot
        && let Err(err) = deps.store.set_user_blocked(user, false).await
    {
        log::warn!("could not clear the blocked flag of {user}: {err}");
    }
    let lang = start::user_lang(deps, row.lang, from.language_code.as_deref()).lang();
    let role = Role::of(deps, user).await;
    Some((
        row,
        Ctx {
            user,
            chat,
            lang,
            message_id,
            role,
        },
    ))
}

/// Applies the per-user flood limit (telling the user once per window), then turns away banned users.
async fn admit(deps: &Deps, ui: &UiState, row: &UserRow, ctx: &Ctx) -> bool {
    let verdict = match ui.flood.lock() {
        Ok(mut guard) => guard.check(ctx.user.0, Instant::now()),
        Err(_) => FloodVerdict::Allow,
    };
    match verdict {
        FloodVerdict::Allow => (),
        FloodVerdict::DenyAndNotify => {
            send(deps, vec![ctx.say(deps.t(ctx.lang, "flood-notice", &[]))]);
            return false;
        }
        FloodVerdict::DenySilently => return false,
    }
    if row.banned {
        send(deps, notice(deps, ctx, "banned"));
        return false;
    }
    true
}

/// The reply to send for what a handler returned: its messages, or one notice
/// for its error, logged once here (`what` names the update for the log).
fn finish(deps: &Deps, ctx: &Ctx, what: &str, handled: Handled) -> Reply {
    let err = match handled {
        Ok(reply) => return reply,
        Err(err) => err,
    };
    // A notice is a new message: the screen the user pressed stays as it was.
    let ctx = &Ctx {
        message_id: None,
        ..*ctx
    };
    match err {
        HandlerError::Stale(thing) => {
            log::info!("{} used a stale {what:?}: {thing}", ctx.user);
            notice(deps, ctx, "stale-button")
        }
        HandlerError::Storage(ajib_storage::Error::NotFound { what: thing }) => {
            log::info!("{} used a stale {what:?}: {thing} not found", ctx.user);
            notice(deps, ctx, "stale-button")
        }
        err => {
            log::error!("{what:?} from {} failed: {err}", ctx.user);
            notice(deps, ctx, "error-generic")
        }
    }
}

/// Turns away a user whose role is below `needed`; logged, nothing changes.
fn refuse(deps: &Deps, ctx: &Ctx, needed: Role, what: &str) -> Reply {
    log::warn!(
        "{} ({:?}) tried {what:?}, which needs {needed:?}",
        ctx.user,
        ctx.role
    );
    // An admin is told the thing is the owner's; anyone else just that it is not theirs.
    let id = match (ctx.role, needed) {
        (Role::Admin, Role::Owner) => "admin-owner-only",
        _ => "admin-only",
    };
    notice(
        deps,
        &Ctx {
            message_id: None,
            ..*ctx
        },
        id,
    )
}

/// Queues a reply without waiting for Telegram, so one chat's updates are handled at
/// the rate they arrive (the flood guard sees the real rate) while the Outbox paces
/// the sending; users who blocked the bot are marked from the Outbox's events.
fn send(deps: &Deps, reply: Reply) {
    for msg in reply {
        deps.outbox.enqueue(msg, Priority::Interactive);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<Command>) {
        assert_eq!(Command::parse(text), expected, "{text:?}");
    }

    #[test]
    fn commands_parse() {
        check("/start", Some(Command::Start(None)));
        check(
            "/start ref_42",
            Some(Command::Start(Some("ref_42".to_owned()))),
        );
        check("/start@ajib_bot", Some(Command::Start(None)));
        check("  /menu  ", Some(Command::Menu));
        check("/help", Some(Command::Help));
        check("/lang", Some(Command::Language));
        check("/admin", Some(Command::Admin));
        check(
            "/admins add 42 support",
            Some(Command::Admins(Some("add 42 support".to_owned()))),
        );
        check("/admins", Some(Command::Admins(None)));
        check("hello", None);
        check("/unknown", None);
        check("", None);
    }
}
