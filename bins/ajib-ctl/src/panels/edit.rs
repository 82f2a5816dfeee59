//! `ajib-ctl panels add|edit|disable|enable`: every value checked before it is
//! saved, and a new base or token asked for the panel's version first.

use ajib_domain::{validate_location, validate_panel_name};
use ajib_storage::{NewPanel, Panel, PanelAccess, PanelEdit, TokenRef};
use anyhow::Context;

use crate::{
    db::Db,
    exit,
    panels::{
        PanelsAdd, PanelsEdit,
        check::{self, Failure},
        list::describe,
        token::{self, GivenToken},
    },
    plans::unix_now,
};

/// Adds a panel after checking its values and (unless `--no-check`) asking it for its version.
pub fn add(db: &Db, args: &PanelsAdd) -> anyhow::Result<()> {
    let name = validate_panel_name(&args.name).map_err(|e| exit::usage(e.to_string()))?;
    let location = validate_location(&args.location).map_err(|e| exit::usage(e.to_string()))?;
    let api_base = api_base(&args.api_base)?;
    if db.block(db.store().find_panel(&name))?.is_some() {
        return Err(exit::usage(format!(
            "a panel named {name:?} exists (see ajib-ctl panels list)"
        )));
    }
    let given = token::required(args.token_file.as_deref(), args.token_ref_file.as_deref())?;
    if !args.no_check {
        confirm_answers(&name, &api_base, &given.token)?;
    }
    let panel = NewPanel {
        name,
        location,
        api_base,
        token: given.stored,
        capacity: args.capacity,
    };
    let added = db.block(db.store().add_panel(&panel, unix_now()))?;
    println!("added {}", describe(&added));
    Ok(())
}

/// Changes a panel; a new base or token is checked first unless `--no-check`.
pub fn edit(db: &Db, args: &PanelsEdit) -> anyhow::Result<()> {
    let panel = find(db, &args.name)?;
    let given = match args.new_token {
        true if args.token_file.is_some() || args.token_ref_file.is_some() => {
            return Err(exit::usage(
                "give --new-token, --token-file or --token-ref-file, not several".to_owned(),
            ));
        }
        true => Some(token::required(None, None)?),
        false => token::from_files(args.token_file.as_deref(), args.token_ref_file.as_deref())?,
    };
    let edit = PanelEdit {
        location: args
            .location
            .as_deref()
            .map(validate_location)
            .transpose()
            .map_err(|e| exit::usage(e.to_string()))?,
        api_base: args.api_base.as_deref().map(api_base).transpose()?,
        token: given.as_ref().map(|it| it.stored.clone()),
        capacity: args.capacity.as_deref().map(capacity).transpose()?,
        enabled: None,
    };
    let reaches = edit.api_base.is_some() || edit.token.is_some();
    if reaches && panel.token == TokenRef::Config {
        return Err(exit::usage(format!(
            "panel {} is BLITZ_API_BASE and BLITZ_API_KEY: change them with `ajib-ctl config set`",
            panel.name
        )));
    }
    if reaches && !args.no_check {
        let (base, token) = reach_after(db, &panel, edit.api_base.as_deref(), given)?;
        confirm_answers(&panel.name, &base, &token)?;
    }
    let edited = db
        .block(db.store().edit_panel(panel.id, &edit, unix_now()))
        .with_context(|| format!("cannot change panel {}", panel.name))?;
    println!("updated {}", describe(&edited));
    println!("The bot uses the change within a minute.");
    Ok(())
}

/// Offers a panel for new accounts again, or stops it.
pub fn set_enabled(db: &Db, name: &str, enabled: bool) -> anyhow::Result<()> {
    let panel = find(db, name)?;
    let edit = PanelEdit {
        enabled: Some(enabled),
        ..PanelEdit::default()
    };
    let edited = db.block(db.store().edit_panel(panel.id, &edit, unix_now()))?;
    match enabled {
        true => println!("enabled {}: new accounts may go to it", describe(&edited)),
        false => println!(
            "disabled {}: no new accounts go to it; its customers keep working",
            describe(&edited)
        ),
    }
    Ok(())
}

fn find(db: &Db, name: &str) -> anyhow::Result<Panel> {
    db.block(db.store().find_panel(name))?.ok_or_else(|| {
        exit::usage(format!(
            "no panel named {name:?} (see ajib-ctl panels list)"
        ))
    })
}

/// The base and token the panel will be reached with once `edit` is saved.
fn reach_after(
    db: &Db,
    panel: &Panel,
    new_base: Option<&str>,
    given: Option<GivenToken>,
) -> anyhow::Result<(String, String)> {
    let old = match db.block(db.store().panel_access(panel)) {
        Ok(PanelAccess::Direct { api_base, token }) => Some((api_base, token.expose().to_owned())),
        Ok(PanelAccess::Config) | Err(_) => None,
    };
    let base = new_base
        .map(str::to_owned)
        .or_else(|| old.as_ref().map(|it| it.0.clone()));
    let token = given.map(|it| it.token).or_else(|| old.map(|it| it.1));
    match (base, token) {
        (Some(base), Some(token)) => Ok((base, token)),
        _ => Err(exit::usage(format!(
            "panel {}'s current token cannot be read to check the new base; give a token too, or --no-check",
            panel.name
        ))),
    }
}

/// Fails with the panel's words and the fix unless it answers its version.
fn confirm_answers(name: &str, api_base: &str, token: &str) -> anyhow::Result<()> {
    match check::probe_new(name, api_base, token) {
        Ok(version) => {
            println!(
                "panel {name} answers: version {} ({})",
                version.current_version,
                check::support_words(&version.current_version)
            );
            Ok(())
        }
        Err(Failure { message, fix }) => anyhow::bail!(
            "panel {name} did not answer as it should: {message}\nfix: {fix} (or save anyway with --no-check)"
        ),
    }
}

/// A Blitz API base: an http(s) URL ending in `/api/v1` (as `BLITZ_API_BASE`).
fn api_base(text: &str) -> anyhow::Result<String> {
    let text = text.trim();
    if let Err(why) = ajib_config::check_var("BLITZ_API_BASE", text) {
        return Err(exit::usage(format!("invalid --api-base: {why}")));
    }
    let base = text.trim_end_matches('/');
    if !base.ends_with("/api/v1") {
        return Err(exit::usage(format!(
            "invalid --api-base {text:?}: it must end with /api/v1, e.g. https://panel.example.com:8443/ROOT_PATH/api/v1"
        )));
    }
    Ok(base.to_owned())
}

/// A capacity: a number of active accounts, or `unlimited`.
fn capacity(text: &str) -> anyhow::Result<Option<u32>> {
    match text.trim() {
        "unlimited" => Ok(None),
        number => number.parse().map(Some).map_err(|_| {
            exit::usage(format!(
                "invalid --capacity {text:?}: a number of accounts, or \"unlimited\""
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_base_is_an_http_url_ending_in_api_v1() {
        assert_eq!(
            api_base("https://p.example:8443/x/api/v1/").unwrap(),
            "https://p.example:8443/x/api/v1"
        );
        for bad in ["p.example/api/v1", "https://p.example/x", "ftp://p/api/v1"] {
            assert!(api_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_capacity_is_a_number_or_unlimited() {
        assert_eq!(capacity("250").unwrap(), Some(250));
        assert_eq!(capacity("unlimited").unwrap(), None);
        assert!(capacity("-1").is_err());
        assert!(capacity("lots").is_err());
    }
}
