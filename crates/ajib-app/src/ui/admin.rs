//! Admin screens inside the bot: menu, statistics, plans (list, enable/disable, add).
//!
//! Every admin update is checked by the router on the server side (the
//! button alone proves nothing) and every change is written to the audit log.

use ajib_domain::{Money, NewPlan, Plan, PlanId, PlanName};
use ajib_i18n::Arg;

use crate::{
    callback::{Callback, Page},
    deps::{Deps, now},
    format::{price, traffic},
    keyboards::{button, inline},
    role::Role,
    ui::{
        Ctx, Handled, HandlerError,
        dialog::{self, Dialog, PlanDraft},
        staff::{ascii_digits, audit, cancel_keyboard, invalid},
    },
};

/// The admin menu.
pub fn menu(deps: &Deps, ctx: &Ctx) -> Handled {
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    if ctx.role == Role::Support {
        let keyboard = inline(vec![
            vec![
                button(t("btn-admin-stats"), Callback::AdminStats),
                button(t("btn-admin-users"), Callback::AdminUsers),
            ],
            vec![button(t("btn-menu"), Callback::Menu)],
        ]);
        return Ok(vec![ctx.screen(t("admin-menu-title"), keyboard)]);
    }
    let mut rows = vec![
        vec![
            button(t("btn-admin-stats"), Callback::AdminStats),
            button(t("btn-admin-plans"), Callback::AdminPlans),
        ],
        vec![
            button(t("btn-admin-broadcast"), Callback::AdminBroadcast),
            button(t("btn-admin-users"), Callback::AdminUsers),
        ],
        vec![
            button(t("btn-admin-referrals"), Callback::AdminReferrals),
            button(t("btn-admin-promos"), Callback::AdminPromos),
        ],
        vec![button(t("btn-menu"), Callback::Menu)],
    ];
    // Backups and panels are for owners only, so other admins do not see the buttons.
    if ctx.role == Role::Owner {
        let owner = vec![
            button(t("btn-admin-panels"), Callback::AdminPanels),
            button(t("btn-admin-backup"), Callback::AdminBackup),
        ];
        rows.insert(rows.len() - 1, owner);
        rows.insert(
            rows.len() - 1,
            vec![button(
                t("btn-admin-agents"),
                Callback::AdminAgents(Page(0)),
            )],
        );
    }
    let keyboard = inline(rows);
    Ok(vec![ctx.screen(t("admin-menu-title"), keyboard)])
}

/// Every plan with its state and a toggle button.
pub async fn plans(deps: &Deps, ctx: &Ctx) -> Handled {
    let plans = deps.store.list_plans(false).await?;
    let mut lines = vec![deps.t(ctx.lang, "admin-plans-title", &[])];
    let mut rows = Vec::new();
    for plan in &plans {
        let id = plan.id.to_string();
        lines.push(deps.t(
            ctx.lang,
            "admin-plan-line",
            &[
                ("id", Arg::from(id.as_str())),
                ("name", Arg::from(plan.name_in(ctx.lang))),
                ("days", Arg::from(plan.days)),
                (
                    "traffic",
                    Arg::from(traffic(deps, ctx.lang, plan.traffic_gb).as_str()),
                ),
                ("price", Arg::from(price(ctx.lang, plan.price).as_str())),
                (
                    "active",
                    Arg::from(if plan.active { "true" } else { "false" }),
                ),
            ],
        ));
        let label = deps.label(
            ctx.lang,
            "btn-admin-plan-toggle",
            &[("id", Arg::from(id.as_str()))],
        );
        let edit = deps.label(
            ctx.lang,
            "btn-admin-plan-edit",
            &[("id", Arg::from(id.as_str()))],
        );
        rows.push(vec![
            button(label, Callback::AdminPlanToggle(plan.id)),
            button(edit, Callback::AdminPlanEdit(plan.id)),
            button("📍".to_owned(), Callback::AdminPlanPanels(plan.id)),
            button("⬆️".to_owned(), Callback::AdminPlanUp(plan.id)),
            button("⬇️".to_owned(), Callback::AdminPlanDown(plan.id)),
        ]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-admin-plan-add", &[]),
        Callback::AdminPlanAdd,
    )]);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]);
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// Enables a disabled plan or disables an enabled one; audited.
pub async fn toggle_plan(deps: &Deps, ctx: &Ctx, id: PlanId) -> Handled {
    let plan = deps
        .store
        .get_plan(id)
        .await?
        .ok_or(HandlerError::stale("plan"))?;
    deps.store.set_plan_active(id, !plan.active, now()).await?;
    let before = serde_json::json!({ "plan": id.0, "active": plan.active }).to_string();
    let after = serde_json::json!({ "plan": id.0, "active": !plan.active }).to_string();
    audit(deps, ctx.user, "plan.toggle", Some(&before), &after).await;
    plans(deps, ctx).await
}

/// Moves a plan one place up or down in the menu customers see; audited.
pub async fn move_plan(deps: &Deps, ctx: &Ctx, id: PlanId, up: bool) -> Handled {
    if !deps.store.move_plan(id, up, now()).await? {
        // Already first or last: the list is unchanged.
        return Ok(Vec::new());
    }
    let after = serde_json::json!({ "plan": id.0, "up": up }).to_string();
    audit(deps, ctx.user, "plan.move", None, &after).await;
    plans(deps, ctx).await
}

/// Starts the add-plan dialogue.
pub async fn start_add_plan(deps: &Deps, ctx: &Ctx) -> Handled {
    ask_plan_field(deps, ctx, PlanDraft::default()).await
}

/// Starts the same dialogue over an existing plan: each answer replaces a field, `-` keeps it.
///
/// The plan's on/off state and place in the menu are kept; they have buttons of their own.
pub async fn start_edit_plan(deps: &Deps, ctx: &Ctx, id: PlanId) -> Handled {
    let plan = deps
        .store
        .get_plan(id)
        .await?
        .ok_or(HandlerError::stale("plan"))?;
    let draft = PlanDraft {
        editing: Some(plan),
        ..PlanDraft::default()
    };
    ask_plan_field(deps, ctx, draft).await
}

/// Saves the previewed plan.
pub async fn save_plan(deps: &Deps, ctx: &Ctx) -> Handled {
    let draft = match dialog::load(deps, ctx.user, ctx.role).await {
        Some(Dialog::AddPlan(draft)) => draft,
        _ => return Err(HandlerError::stale("plan dialogue")),
    };
    let mut new_plan = draft
        .complete()
        .ok_or(HandlerError::stale("plan dialogue"))?;
    if draft.editing.is_none() {
        // A new plan goes to the end of the menu.
        let existing = deps.store.list_plans(false).await?;
        let last = existing.iter().map(|it| it.sort_order).max().unwrap_or(0);
        new_plan.sort_order = last.saturating_add(10);
    }
    let valid = match new_plan.validate() {
        Ok(valid) => valid,
        Err(err) => return Ok(invalid(deps, ctx, &err.to_string())),
    };
    let (plan, before) = match &draft.editing {
        Some(old) => {
            let before = deps.store.get_plan(old.id).await?.map(|it| plan_json(&it));
            (deps.store.update_plan(old.id, &valid, now()).await?, before)
        }
        None => (deps.store.insert_plan(&valid, now()).await?, None),
    };
    dialog::close(deps, ctx.user).await;
    let action = if draft.editing.is_some() {
        "plan.edit"
    } else {
        "plan.add"
    };
    audit(deps, ctx.user, action, before.as_deref(), &plan_json(&plan)).await;
    let mut reply = vec![ctx.say(deps.t(ctx.lang, "admin-plan-saved", &[]))];
    let list = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(plans(deps, &list).await?);
    Ok(reply)
}

/// The plan field the dialogue asks for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlanField {
    NameEn,
    NameFa,
    Days,
    Traffic,
    Price,
}

impl PlanField {
    fn question(self) -> &'static str {
        match self {
            Self::NameEn => "admin-plan-ask-name-en",
            Self::NameFa => "admin-plan-ask-name-fa",
            Self::Days => "admin-plan-ask-days",
            Self::Traffic => "admin-plan-ask-traffic",
            Self::Price => "admin-plan-ask-price",
        }
    }
}

/// Answers that keep an edited plan's current value.
const KEEP: &[&str] = &["-", "—", "."];

/// Takes one answer of the plan dialogue.
pub async fn add_plan_step(deps: &Deps, ctx: &Ctx, mut draft: PlanDraft, text: &str) -> Handled {
    let Some(field) = draft.next_field() else {
        return preview(deps, ctx, draft).await;
    };
    let text = text.trim();
    if let Some(old) = draft.editing.clone()
        && KEEP.contains(&text)
    {
        draft.keep(field, &old);
    } else if let Err(reason) = draft.fill(field, text, deps.settings.currency) {
        return Ok(invalid(deps, ctx, &reason));
    }
    if draft.next_field().is_none() {
        return preview(deps, ctx, draft).await;
    }
    ask_plan_field(deps, ctx, draft).await
}

/// Opens the dialogue at the draft's next field, showing an edited plan's current value.
async fn ask_plan_field(deps: &Deps, ctx: &Ctx, draft: PlanDraft) -> Handled {
    let Some(field) = draft.next_field() else {
        return preview(deps, ctx, draft).await;
    };
    let mut text = deps.t(ctx.lang, field.question(), &[]);
    if let Some(old) = &draft.editing {
        let current = match field {
            PlanField::NameEn => old.name.en.clone(),
            PlanField::NameFa => old.name.fa.clone(),
            PlanField::Days => old.days.to_string(),
            PlanField::Traffic => old.traffic_gb.to_string(),
            PlanField::Price => old.price.to_string(),
        };
        text.push('\n');
        text.push_str(&deps.t(
            ctx.lang,
            "admin-plan-keep",
            &[("current", Arg::from(current.as_str()))],
        ));
    }
    dialog::save(deps, ctx.user, &Dialog::AddPlan(draft)).await;
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

async fn preview(deps: &Deps, ctx: &Ctx, draft: PlanDraft) -> Handled {
    let plan = draft
        .complete()
        .ok_or(HandlerError::stale("plan dialogue"))?;
    let text = deps.t(
        ctx.lang,
        "admin-plan-preview",
        &[
            ("name", Arg::from(plan.name.en.as_str())),
            ("days", Arg::from(plan.days)),
            (
                "traffic",
                Arg::from(traffic(deps, ctx.lang, plan.traffic_gb).as_str()),
            ),
            ("price", Arg::from(price(ctx.lang, plan.price).as_str())),
        ],
    );
    dialog::save(deps, ctx.user, &Dialog::AddPlan(draft)).await;
    let keyboard = inline(vec![vec![
        button(
            deps.t(ctx.lang, "btn-admin-save", &[]),
            Callback::AdminPlanSave,
        ),
        button(deps.t(ctx.lang, "btn-cancel", &[]), Callback::Cancel),
    ]]);
    Ok(vec![ctx.say_with(text, keyboard)])
}

fn plan_json(plan: &ajib_domain::Plan) -> String {
    serde_json::json!({ "plan": plan.id.0, "name_en": plan.name.en, "name_fa": plan.name.fa,
        "days": plan.days, "traffic_gb": plan.traffic_gb, "price_minor": plan.price.minor(),
        "active": plan.active })
    .to_string()
}

impl PlanDraft {
    fn next_field(&self) -> Option<PlanField> {
        if self.name_en.is_none() {
            Some(PlanField::NameEn)
        } else if self.name_fa.is_none() {
            Some(PlanField::NameFa)
        } else if self.days.is_none() {
            Some(PlanField::Days)
        } else if self.traffic_gb.is_none() {
            Some(PlanField::Traffic)
        } else if self.price.is_none() {
            Some(PlanField::Price)
        } else {
            None
        }
    }

    /// Takes an answer for `field`, or says why it is not acceptable.
    fn fill(
        &mut self,
        field: PlanField,
        text: &str,
        currency: ajib_domain::Currency,
    ) -> Result<(), String> {
        let digits = ascii_digits(text);
        match field {
            PlanField::NameEn => self.name_en = Some(name(text).ok_or("1..64 characters")?),
            PlanField::NameFa => self.name_fa = Some(name(text).ok_or("1..64 characters")?),
            PlanField::Days => match digits.parse::<u32>() {
                Ok(days) if (1..=3650).contains(&days) => self.days = Some(days),
                _ => return Err("1..3650".to_owned()),
            },
            PlanField::Traffic => match digits.parse::<u32>() {
                Ok(gb) if gb <= 100_000 => self.traffic_gb = Some(gb),
                _ => return Err("0..100000 (0 = unlimited)".to_owned()),
            },
            PlanField::Price => match Money::parse(&digits, currency) {
                Ok(amount) if !amount.is_zero() => self.price = Some(amount),
                Ok(_) => return Err("> 0".to_owned()),
                Err(err) => return Err(err.to_string()),
            },
        }
        Ok(())
    }

    /// Keeps the edited plan's value of `field`.
    fn keep(&mut self, field: PlanField, old: &Plan) {
        match field {
            PlanField::NameEn => self.name_en = Some(old.name.en.clone()),
            PlanField::NameFa => self.name_fa = Some(old.name.fa.clone()),
            PlanField::Days => self.days = Some(old.days),
            PlanField::Traffic => self.traffic_gb = Some(old.traffic_gb),
            PlanField::Price => self.price = Some(old.price),
        }
    }

    fn complete(&self) -> Option<NewPlan> {
        Some(NewPlan {
            name: PlanName {
                en: self.name_en.clone()?,
                fa: self.name_fa.clone()?,
            },
            days: self.days?,
            traffic_gb: self.traffic_gb?,
            price: self.price?,
            active: self.editing.as_ref().is_none_or(|it| it.active),
            sort_order: self.editing.as_ref().map_or(0, |it| it.sort_order),
        })
    }
}

fn name(text: &str) -> Option<String> {
    let n = text.chars().count();
    (1..=64).contains(&n).then(|| text.to_owned())
}
