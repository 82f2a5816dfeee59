//! `panels import`: a panel's existing users linked as services, by our
//! username pattern or a mapping file; a bad file changes nothing, a second
//! import changes nothing, and the panel is only read.

use ajib_domain::TelegramId;
use ajib_storage::Store;
use ajib_testkit::blitz::{FakeBlitz, SeedUser};

use crate::{Install, with_store};

/// An install whose first panel is `fake`, with a database.
fn install(fake: &FakeBlitz) -> Install {
    let env = format!(
        "TELEGRAM_BOT_TOKEN={}\nDATA_DIR=/var/lib/ajib\nBLITZ_API_BASE={}\nBLITZ_API_KEY={}\n",
        crate::TOKEN,
        fake.base_url(),
        fake.token()
    );
    let install = Install::new(&env);
    // Any command that opens the database creates it.
    install.ctl(&["admins", "add", "42"]).ok();
    install
}

/// A panel with two of our accounts (one of a negative id), two sold by
/// hand, one of them on hold.
fn panel() -> FakeBlitz {
    let fake = FakeBlitz::start("import-token");
    let user = |name: &str, created: Option<&str>| SeedUser {
        username: name.to_owned(),
        traffic_gb: 30,
        expiration_days: 30,
        creation_date: created.map(str::to_owned),
    };
    let today = fake.today();
    fake.add_users(&[
        user("ajib_1001_1", Some(&today)),
        user("ajib_n5_2", Some(&today)),
        user("ali", Some(&today)),
        user("bob", None),
    ]);
    fake
}

/// The panel usernames of each user's services.
fn services_of(install: &Install, users: &[i64]) -> Vec<Vec<String>> {
    with_store(install, async |store: &Store| {
        let mut res = Vec::new();
        for user in users {
            let services = store.services_of_user(TelegramId(*user)).await.unwrap();
            res.push(services.into_iter().map(|it| it.blitz_username).collect());
        }
        res
    })
}

/// Script commands other than reads the panel ran.
fn writes(fake: &FakeBlitz) -> usize {
    fake.commands()
        .iter()
        .filter(|it| !it.contains("list_users.py") && !it.contains("get_user.py"))
        .count()
}

#[test]
fn our_usernames_are_linked_to_their_ids_once() {
    let fake = panel();
    let install = install(&fake);
    let writes_before = writes(&fake);
    let out = install.ctl(&["panels", "import", "main"]).ok();
    assert!(out.contains("linked 2, already linked 0"), "{out}");
    assert!(out.contains("unmapped 2"), "{out}");
    assert!(out.contains("new customers 2"), "{out}");
    assert!(out.contains("  ali\n") && out.contains("  bob\n"), "{out}");
    let linked = services_of(&install, &[1001, -5]);
    assert_eq!(linked, [vec!["ajib_1001_1"], vec!["ajib_n5_2"]]);

    let again = install.ctl(&["panels", "import", "main"]).ok();
    assert!(again.contains("linked 0, already linked 2"), "{again}");
    assert_eq!(services_of(&install, &[1001, -5]), linked);
    assert_eq!(writes(&fake), writes_before, "the panel was changed");
}

#[test]
fn a_mapping_file_links_hand_sold_accounts_and_a_dry_run_writes_nothing() {
    let fake = panel();
    let install = install(&fake);
    let mapping = install.root().join("mapping.csv");
    std::fs::write(
        &mapping,
        "username,telegram_id\n# sold by hand\nALI, 2001\nbob,2002\nghost,2003\n",
    )
    .unwrap();
    let mapping = mapping.to_str().unwrap();

    let dry = install
        .ctl(&[
            "panels",
            "import",
            "main",
            "--mapping",
            mapping,
            "--dry-run",
        ])
        .ok();
    assert!(dry.contains("would have linked 2"), "{dry}");
    assert!(dry.contains("unmapped 2"), "{dry}");
    assert!(
        services_of(&install, &[2001, 2002])
            .iter()
            .all(Vec::is_empty)
    );

    let out = install
        .ctl(&["panels", "import", "main", "--mapping", mapping])
        .ok();
    assert!(out.contains("linked 2, already linked 0"), "{out}");
    assert!(out.contains("not on the panel:\n  ghost"), "{out}");
    assert_eq!(
        services_of(&install, &[2001, 2002]),
        [vec!["ali"], vec!["bob"]]
    );
}

#[test]
fn a_bad_mapping_file_names_its_lines_and_changes_nothing() {
    let fake = panel();
    let install = install(&fake);
    let mapping = install.root().join("mapping.csv");
    std::fs::write(&mapping, "ali,2001\nbob\nbob,twelve\n").unwrap();
    let err = install
        .ctl(&[
            "panels",
            "import",
            "main",
            "--mapping",
            mapping.to_str().unwrap(),
        ])
        .fails_with(2);
    assert!(err.contains("line 2:") && err.contains("line 3:"), "{err}");
    assert!(!err.contains("line 1:"), "{err}");
    assert_eq!(services_of(&install, &[2001]), [Vec::<String>::new()]);
    let known = with_store(&install, async |store: &Store| {
        store.get_user(TelegramId(2001)).await.unwrap()
    });
    assert_eq!(known, None);
}

#[test]
fn an_unknown_panel_is_a_usage_error() {
    let fake = panel();
    let install = install(&fake);
    let err = install.ctl(&["panels", "import", "nowhere"]).fails_with(2);
    assert!(err.contains("no panel named \"nowhere\""), "{err}");
}
