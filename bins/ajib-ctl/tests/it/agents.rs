//! `ajib-ctl agents add|list|edit|remove` against a temp install (issue 23).

use ajib_domain::{PlanId, TelegramId};
use ajib_storage::{BotPayments, Store};

use crate::{Install, TOKEN, seen_user, with_store};

const AGENT: &str = "4242";

fn install() -> Install {
    let install = Install::new(&format!(
        "TELEGRAM_BOT_TOKEN={TOKEN}\nDATA_DIR=/var/lib/ajib\n"
    ));
    install
        .ctl(&[
            "plans", "add", "--name", "Month", "--price", "5.00", "--days", "30",
        ])
        .ok();
    install
}

fn audit_actions(install: &Install, n: u32) -> Vec<(String, String)> {
    with_store(install, async |store: &Store| {
        store
            .recent_audit(n)
            .await
            .unwrap()
            .into_iter()
            .map(|it| (it.action, it.actor.to_string()))
            .collect()
    })
}

#[test]
fn an_agent_is_added_listed_edited_and_removed() {
    let install = install();
    with_store(&install, async |store: &Store| {
        seen_user(store, 4242, Some("reseller"), "Sam", 1_700_000_000).await;
    });
    let added = install
        .ctl(&[
            "agents",
            "add",
            AGENT,
            "--percent-off",
            "20",
            "--credit-limit",
            "15",
            "--brand",
            "Sam VPN",
            "--bot-payments",
            "none",
        ])
        .ok();
    assert_eq!(
        added.trim(),
        "4242 is now an agent: 20% off, credit limit 15.00 USD, bot payments none"
    );

    let listed = install.ctl(&["agents", "list"]).ok();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].starts_with("id    name"), "{listed}");
    let cells: Vec<&str> = lines[1]
        .split("  ")
        .map(str::trim)
        .filter(|it| !it.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "4242",
            "Sam @reseller",
            "0.00 USD",
            "15.00 USD",
            "0/0",
            "0 (0.00 USD)",
            "active",
            "-"
        ],
        "{listed}"
    );

    let edited = install
        .ctl(&[
            "agents",
            "edit",
            AGENT,
            "--suspend",
            "--price",
            "1=3.25",
            "--brand",
            "",
        ])
        .ok();
    assert!(edited.contains("plan #1 costs 4242 3.25 USD"), "{edited}");
    assert!(edited.contains("suspended"), "{edited}");
    let (agent, price) = with_store(&install, async |store: &Store| {
        let agent = store.get_agent(TelegramId(4242)).await.unwrap().unwrap();
        let price = store
            .agent_price(TelegramId(4242), PlanId(1))
            .await
            .unwrap();
        (agent, price)
    });
    assert!(agent.suspended);
    assert_eq!(agent.brand, None);
    assert_eq!(agent.bot_payments, BotPayments::None);
    assert_eq!((price.cost.minor(), price.cost_set), (325, true));
    let listed = install.ctl(&["agents", "list"]).ok();
    assert!(listed.contains("suspended"), "{listed}");

    install
        .ctl(&["agents", "edit", AGENT, "--resume", "--price", "1=default"])
        .ok();
    let (agent, price) = with_store(&install, async |store: &Store| {
        let agent = store.get_agent(TelegramId(4242)).await.unwrap().unwrap();
        let price = store
            .agent_price(TelegramId(4242), PlanId(1))
            .await
            .unwrap();
        (agent, price)
    });
    assert!(!agent.suspended);
    // 5.00 less 20 %.
    assert_eq!((price.cost.minor(), price.cost_set), (400, false));

    install.ctl(&["agents", "remove", AGENT]).ok();
    let listed = install.ctl(&["agents", "list"]).ok();
    assert!(listed.contains("no agents yet"), "{listed}");
    let actions = audit_actions(&install, 6);
    let cli = |action: &str| (action.to_owned(), "cli".to_owned());
    assert_eq!(
        actions,
        [
            cli("agent.remove"),
            cli("agent.price"),
            cli("agent.resume"),
            cli("agent.price"),
            cli("agent.suspend"),
            cli("agent.add"),
        ]
    );
}

#[test]
fn an_agent_holding_money_is_not_removed_and_suspension_is_suggested() {
    let install = install();
    install.ctl(&["agents", "add", AGENT]).ok();
    install
        .ctl(&[
            "users", "balance", AGENT, "--add", "2.00", "--reason", "deposit",
        ])
        .ok();
    let stderr = install.ctl(&["agents", "remove", AGENT]).fails_with(2);
    assert!(stderr.contains("balance is not zero"), "{stderr}");
    assert!(stderr.contains("--suspend"), "{stderr}");
    let listed = install.ctl(&["agents", "list"]).ok();
    assert!(listed.contains("4242"), "{listed}");
    assert!(listed.contains("2.00 USD"), "{listed}");
}

fn check_refused(args: &[&str], expected: &str) {
    let install = install();
    install.ctl(&["agents", "add", AGENT]).ok();
    let stderr = install.ctl(args).fails_with(2);
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    let agent = with_store(&install, async |store: &Store| {
        store.get_agent(TelegramId(4242)).await.unwrap().unwrap()
    });
    assert_eq!(
        (agent.percent_off, agent.credit_limit_minor, agent.suspended),
        (0, 0, false),
        "{args:?} changed the agent"
    );
}

#[test]
fn bad_arguments_change_nothing() {
    check_refused(&["agents", "add", AGENT], "already an agent");
    check_refused(&["agents", "add", "0"], "above zero");
    check_refused(&["agents", "edit", AGENT, "--percent-off", "95"], "0 to 90");
    check_refused(
        &["agents", "edit", AGENT, "--credit-limit", "1.234"],
        "invalid --credit-limit",
    );
    check_refused(
        &["agents", "edit", AGENT, "--suspend", "--resume"],
        "not both",
    );
    check_refused(&["agents", "edit", AGENT], "nothing to change");
    check_refused(
        &["agents", "edit", AGENT, "--price", "9=1.00"],
        "no such plan",
    );
    check_refused(&["agents", "edit", "77", "--suspend"], "no such agent");
    check_refused(
        &["agents", "edit", AGENT, "--bot-payments", "card"],
        "heleket or none",
    );
    check_refused(&["agents", "remove", "77"], "no such agent");
}

#[test]
fn doctor_names_an_agent_bot_telegram_stopped_accepting() {
    let install = install();
    let now = ajib_domain::UnixTime(1_700_000_000);
    with_store(&install, async |store: &Store| {
        let agent = TelegramId(4242);
        let terms = ajib_storage::AgentEdit::default();
        store
            .add_agent(agent, terms, ajib_storage::Actor::Cli, now)
            .await
            .unwrap();
        let bot = ajib_storage::NewAgentBot {
            bot_id: 777_001,
            username: "nova_vpn_bot".to_owned(),
            token: "777001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX".to_owned(),
        };
        store.connect_agent_bot(agent, bot, now).await.unwrap();
        let healthy = install.ctl(&["doctor", "--offline", "--json"]);
        assert!(
            healthy.stdout.contains("1 served, none stopped"),
            "{healthy:?}"
        );
        store
            .revoke_agent_bot(agent, 777_001, "401 Unauthorized", Vec::new(), now)
            .await
            .unwrap();
    });
    let run = install.ctl(&["doctor", "--offline", "--json"]);
    let checks: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let check = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["name"] == "agent bots")
        .cloned()
        .unwrap_or_else(|| panic!("no agent bots check in {checks:#}"));
    assert_eq!(check["level"], "WARN", "{check}");
    let message = check["message"].as_str().unwrap();
    assert!(
        message.contains("@nova_vpn_bot of agent 4242 (401 Unauthorized)"),
        "{message}"
    );
    assert!(!run.stdout.contains("AAHdqTcv"), "the token never appears");
}
