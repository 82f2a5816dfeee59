//! Owner-only backups inside the bot: back up now (secrets masked or kept) and restore by upload.
//!
//! Only owners (`TELEGRAM_ADMIN_IDS`) may do either; other admins are refused
//! here, on top of the router's admin check. A restore is checked completely
//! before anything changes: the upload is size-limited, downloaded, and passed
//! through `ajib_backup::verify_archive` and the schema check (exactly the
//! tables, indexes, triggers and views the migrations make). An archive not
//! signed with `BACKUP_SIGNING_KEY` then needs a second, explicit confirmation
//! that names the risk: the document is fetched again by its file id and must
//! hash the same. Only then is the current database archived as a safety copy
//! and the approved copy applied in place ([`ajib_storage::Store::restore_from`])
//! while the bot keeps running.
//!
//! An archive with secrets is deleted from the server once it was sent (or
//! failed to send): the owner's chat is then its only copy.

use std::path::Path;

use ajib_backup::{ApprovedArchive, ArchiveInfo, Limits, Trust, VerifiedArchive};
use ajib_i18n::Arg;
use ajib_transport::{Document, Keyboard, Outgoing, Priority};

use crate::{
    blocking::blocking,
    callback::Callback,
    core::backup::{self, Secrets},
    deps::Deps,
    keyboards::{button, inline},
    role::Role,
    ui::{
        Ctx, Handled, Reply,
        dialog::{self, Dialog, UnsignedUpload},
        notice,
        staff::{audit, cancel_keyboard},
    },
};

/// Largest upload a restore accepts; Telegram lets bots download at most 20 MB.
pub const MAX_UPLOAD_BYTES: u64 = 20 << 20;
/// Largest archive sent back as a document; Telegram lets bots upload at most 50 MB.
const MAX_SEND_BYTES: u64 = 50 << 20;
/// Largest database an uploaded archive may unpack to.
const MAX_UNPACKED_BYTES: u64 = 1 << 30;

/// The backup screen: schedule, "back up now", "with secrets", "restore".
pub fn screen(deps: &Deps, ctx: &Ctx) -> Handled {
    if !is_owner(ctx) {
        return Ok(owner_only(deps, ctx));
    }
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    let text = deps.t(
        ctx.lang,
        "admin-backup-menu",
        &[
            ("hours", Arg::from(deps.settings.backup_interval_hours)),
            ("keep", Arg::from(deps.settings.backup_keep)),
        ],
    );
    let keyboard = inline(vec![
        vec![button(t("btn-admin-backup-now"), Callback::AdminBackupNow)],
        vec![button(
            t("btn-admin-backup-secrets"),
            Callback::AdminBackupWithSecrets,
        )],
        vec![button(
            t("btn-admin-backup-restore"),
            Callback::AdminBackupRestore,
        )],
        vec![button(t("btn-back"), Callback::Admin)],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Writes a backup with the config's secrets masked and sends it to the owner.
pub async fn back_up_now(deps: &Deps, ctx: &Ctx) -> Handled {
    send_backup(deps, ctx, Secrets::Masked).await
}

/// Writes a backup that keeps the config's secrets and sends it to the owner.
pub async fn back_up_with_secrets(deps: &Deps, ctx: &Ctx) -> Handled {
    send_backup(deps, ctx, Secrets::Included).await
}

/// Opens the restore dialogue: the next document the owner sends is the archive.
pub async fn ask_restore(deps: &Deps, ctx: &Ctx) -> Handled {
    if !is_owner(ctx) {
        return Ok(owner_only(deps, ctx));
    }
    dialog::save(deps, ctx.user, &Dialog::RestoreBackup).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "admin-backup-ask-restore", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// Text while the restore dialogue waits for a file: ask for the file again.
pub fn still_waiting(deps: &Deps, ctx: &Ctx) -> Handled {
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "admin-backup-ask-restore", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// Takes an uploaded document; `None` if this admin is not in the restore dialogue.
pub async fn on_document(deps: &Deps, ctx: &Ctx, document: &Document) -> Option<Handled> {
    // A new file while a confirmation is pending replaces the pending one.
    let waiting = dialog::load(deps, ctx.user, ctx.role).await;
    if !matches!(
        waiting,
        Some(Dialog::RestoreBackup | Dialog::ConfirmUnsignedRestore(_))
    ) {
        return None;
    }
    let ctx = &Ctx {
        message_id: None,
        ..*ctx
    };
    if !is_owner(ctx) {
        dialog::close(deps, ctx.user).await;
        return Some(Ok(owner_only(deps, ctx)));
    }
    let upload = Upload {
        file_id: document.file_id.clone(),
        file_name: document.file_name.clone(),
        size: document.size,
        confirmed_sha: None,
    };
    Some(restore_upload(deps, ctx, upload).await)
}

/// The owner confirmed restoring the pending archive that is not signed with this bot's key.
pub async fn confirm_unsigned(deps: &Deps, ctx: &Ctx) -> Handled {
    if !is_owner(ctx) {
        return Ok(owner_only(deps, ctx));
    }
    let ctx = &Ctx {
        message_id: None,
        ..*ctx
    };
    let Some(Dialog::ConfirmUnsignedRestore(pending)) =
        dialog::load(deps, ctx.user, ctx.role).await
    else {
        // Expired or already done: ask for the file again rather than guess.
        return ask_restore(deps, ctx).await;
    };
    let upload = Upload {
        file_id: pending.file_id,
        file_name: pending.file_name,
        size: None,
        confirmed_sha: Some(pending.sha256),
    };
    restore_upload(deps, ctx, upload).await
}

/// A document to restore; `confirmed_sha` is set when the owner accepted it unsigned.
struct Upload {
    file_id: String,
    file_name: Option<String>,
    size: Option<u64>,
    confirmed_sha: Option<String>,
}

async fn send_backup(deps: &Deps, ctx: &Ctx, secrets: Secrets) -> Handled {
    if !is_owner(ctx) {
        return Ok(owner_only(deps, ctx));
    }
    let ctx = &Ctx {
        message_id: None,
        ..*ctx
    };
    let info = match backup::create(deps, secrets).await {
        Ok(info) => info,
        Err(err) => return Ok(failed(deps, ctx, &err)),
    };
    let after = serde_json::json!({
        "file": backup::file_name(&info.path),
        "size": info.size,
        "secrets_included": info.manifest.secrets_included,
    })
    .to_string();
    audit(deps, ctx.user, "backup.create", None, &after).await;
    let path = info.path.clone();
    let read = blocking(move || read_for_sending(&path)).await;
    if info.manifest.secrets_included {
        return Ok(send_secrets_and_delete(deps, ctx, &info, read).await);
    }
    let (bytes, sha) = match read {
        Ok(Ok(it)) => it,
        Ok(Err(err)) => return Ok(failed(deps, ctx, &err.into())),
        Err(err) => return Ok(failed(deps, ctx, &err)),
    };
    let mut reply = Vec::new();
    match bytes {
        Some(bytes) => reply.push(Outgoing::Document {
            chat_id: ctx.chat,
            bytes,
            file_name: backup::file_name(&info.path),
            caption: None,
        }),
        None => log::warn!(
            "backup {} is too large to send; it stays on the server",
            info.path.display()
        ),
    }
    reply.push(created(deps, ctx, &info, &sha));
    push_unsigned_note(deps, ctx, &info, &mut reply);
    Ok(reply)
}

/// Sends an archive with secrets now (not queued), then deletes it from disk whatever happened.
///
/// Left on the server it would sit in the backups directory until pruned, readable by
/// anyone who gets the service's files; the owner's chat keeps the one copy.
async fn send_secrets_and_delete(
    deps: &Deps,
    ctx: &Ctx,
    info: &ArchiveInfo,
    read: anyhow::Result<std::io::Result<(Option<Vec<u8>>, String)>>,
) -> Reply {
    let sent = match read {
        Ok(Ok((Some(bytes), sha))) => {
            let document = Outgoing::Document {
                chat_id: ctx.chat,
                bytes,
                file_name: backup::file_name(&info.path),
                caption: None,
            };
            match deps.outbox.send(document, Priority::Interactive).await {
                Ok(_) => Ok(sha),
                Err(err) => Err(anyhow::anyhow!("sending the file failed: {err}")),
            }
        }
        Ok(Ok((None, _))) => Err(anyhow::anyhow!(
            "the archive is over {} MB, more than Telegram lets a bot send",
            MAX_SEND_BYTES >> 20
        )),
        Ok(Err(err)) => Err(err.into()),
        Err(err) => Err(err),
    };
    // Reported first (the reply), then deleted either way.
    let mut reply = match &sent {
        Ok(sha) => {
            let mut reply = vec![created(deps, ctx, info, sha)];
            reply.push(ctx.say(deps.t(ctx.lang, "admin-backup-secrets-note", &[])));
            reply
        }
        Err(err) => failed(deps, ctx, err),
    };
    let path = info.path.clone();
    match blocking(move || std::fs::remove_file(&path)).await {
        Ok(Ok(())) => {
            log::info!("deleted {} after sending it", info.path.display());
            reply.push(ctx.say(deps.t(ctx.lang, "admin-backup-secrets-deleted", &[])));
        }
        Ok(Err(err)) => log::error!(
            "could not delete the archive with secrets {}: {err}",
            info.path.display()
        ),
        Err(err) => log::error!(
            "could not delete the archive with secrets {}: {err}",
            info.path.display()
        ),
    }
    push_unsigned_note(deps, ctx, info, &mut reply);
    reply
}

fn push_unsigned_note(deps: &Deps, ctx: &Ctx, info: &ArchiveInfo, reply: &mut Reply) {
    if !info.signed {
        reply.push(ctx.say(deps.t(ctx.lang, "admin-backup-unsigned-note", &[])));
    }
}

fn created(deps: &Deps, ctx: &Ctx, info: &ArchiveInfo, sha: &str) -> Outgoing {
    let size = ajib_i18n::format_bytes(ctx.lang, info.size);
    let text = deps.t(
        ctx.lang,
        "admin-backup-created",
        &[("size", Arg::from(size.as_str())), ("sha", Arg::from(sha))],
    );
    ctx.say_with(text, back_keyboard(deps, ctx))
}

async fn restore_upload(deps: &Deps, ctx: &Ctx, upload: Upload) -> Handled {
    if upload.size.is_some_and(|it| it > MAX_UPLOAD_BYTES) {
        return Ok(invalid(deps, ctx, &too_large()));
    }
    let api = deps.telegram.clone();
    let file_id = upload.file_id.clone();
    let bytes = match blocking(move || api.get_file_bytes(&file_id)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(err)) => {
            return Ok(invalid(
                deps,
                ctx,
                &format!("cannot download the file: {err}"),
            ));
        }
        Err(err) => {
            return Ok(invalid(
                deps,
                ctx,
                &format!("cannot download the file: {err}"),
            ));
        }
    };
    if bytes.len() as u64 > MAX_UPLOAD_BYTES {
        return Ok(invalid(deps, ctx, &too_large()));
    }
    let upload_sha = sha256_hex(&bytes);
    if let Some(confirmed) = &upload.confirmed_sha
        && *confirmed != upload_sha
    {
        // The owner confirmed other bytes than these: confirm nothing.
        dialog::save(deps, ctx.user, &Dialog::RestoreBackup).await;
        return Ok(invalid(deps, ctx, "the file changed since it was checked"));
    }
    let verified = match blocking(move || verify_upload(&bytes)).await {
        Ok(Ok(verified)) => verified,
        Ok(Err(reason)) => return Ok(invalid(deps, ctx, &reason)),
        Err(err) => return Ok(failed(deps, ctx, &err)),
    };
    let key = deps.settings.backup_signing_key.clone();
    let authenticity = verified.authenticity(key.as_ref());
    let trust = match upload.confirmed_sha {
        Some(_) => Trust::AllowUnsigned,
        None => Trust::SignedOnly,
    };
    // The schema is checked before asking: nobody is asked to confirm a file that is refused anyway.
    let approved = match blocking(move || approve(verified, key.as_ref(), trust)).await {
        Ok(Ok(approved)) => approved,
        Ok(Err(ajib_backup::Error::NotAuthentic { authenticity })) => {
            let pending = UnsignedUpload {
                file_id: upload.file_id,
                file_name: upload.file_name,
                sha256: upload_sha,
            };
            return Ok(ask_unsigned(deps, ctx, pending, &authenticity).await);
        }
        Ok(Err(err)) => return Ok(invalid(deps, ctx, &err.to_string())),
        Err(err) => return Ok(failed(deps, ctx, &err)),
    };
    // Nothing has changed so far; from here on the current data is saved first.
    let safety = match backup::create(deps, Secrets::Masked).await {
        Ok(info) => info,
        Err(err) => {
            return Ok(failed(
                deps,
                ctx,
                &err.context("no safety copy, nothing restored"),
            ));
        }
    };
    if let Err(err) = deps.store.restore_from(&approved.db_path()).await {
        log::error!("restore failed: {err}");
        return Ok(failed(deps, ctx, &anyhow::Error::new(err)));
    }
    dialog::close(deps, ctx.user).await;
    let manifest = approved.manifest();
    log::warn!(
        "owner {} restored the backup of {} (sha256 {upload_sha}, {}); previous data saved in {}",
        ctx.user,
        manifest.created_at,
        authenticity.code(),
        safety.path.display()
    );
    let before = serde_json::json!({ "safety_copy": backup::file_name(&safety.path) }).to_string();
    let after = serde_json::json!({
        "file": upload.file_name,
        "sha256": upload_sha,
        "signature": authenticity.code(),
        "created_at": manifest.created_at,
        "schema_version": manifest.schema_version,
    })
    .to_string();
    audit(deps, ctx.user, "backup.restore", Some(&before), &after).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "admin-backup-restored", &[]),
        back_keyboard(deps, ctx),
    )])
}

/// Checks the schema, then the signature (any signature with [`Trust::AllowUnsigned`]).
fn approve(
    mut verified: VerifiedArchive,
    key: Option<&ajib_backup::SigningKey>,
    trust: Trust,
) -> Result<ApprovedArchive, ajib_backup::Error> {
    verified.check_schema(&backup::migrate)?;
    verified.approve(key, trust, &backup::migrate)
}

/// Keeps the checked upload pending and asks the owner to confirm it with the risk spelled out.
async fn ask_unsigned(
    deps: &Deps,
    ctx: &Ctx,
    pending: UnsignedUpload,
    authenticity: &ajib_backup::Authenticity,
) -> Reply {
    log::warn!(
        "backup upload from {} is not signed with this bot's key ({}); asking to confirm",
        ctx.user,
        authenticity.code()
    );
    dialog::save(deps, ctx.user, &Dialog::ConfirmUnsignedRestore(pending)).await;
    let text = deps.t(
        ctx.lang,
        "admin-backup-unsigned-ask",
        &[("kind", Arg::from(authenticity.code()))],
    );
    let keyboard = inline(vec![
        vec![button(
            deps.t(ctx.lang, "btn-admin-backup-restore-unsigned", &[]),
            Callback::AdminBackupRestoreUnsigned,
        )],
        vec![button(
            deps.t(ctx.lang, "btn-back", &[]),
            Callback::AdminBackup,
        )],
    ]);
    vec![ctx.say_with(text, keyboard)]
}

/// Writes the upload to a private temp file and checks it end to end; `Err` is the reason shown.
fn verify_upload(bytes: &[u8]) -> Result<VerifiedArchive, String> {
    let mut file = tempfile::Builder::new()
        .prefix("ajib-upload-")
        .suffix(".tar.gz")
        .tempfile()
        .map_err(|err| format!("cannot store the upload: {err}"))?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|err| format!("cannot store the upload: {err}"))?;
    let limits = Limits {
        max_file_bytes: MAX_UNPACKED_BYTES,
        max_total_bytes: MAX_UNPACKED_BYTES,
        max_schema_version: ajib_storage::CURRENT_SCHEMA_VERSION,
    };
    // The verified archive is unpacked into its own dir, so the upload can go now.
    ajib_backup::verify_archive(file.path(), &limits).map_err(|err| err.to_string())
}

/// The archive's bytes when small enough to send, and its SHA-256 either way.
fn read_for_sending(path: &Path) -> std::io::Result<(Option<Vec<u8>>, String)> {
    let size = std::fs::metadata(path)?.len();
    if size <= MAX_SEND_BYTES {
        let bytes = std::fs::read(path)?;
        let sha = sha256_hex(&bytes);
        return Ok((Some(bytes), sha));
    }
    let mut file = std::fs::File::open(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok((None, hex(ctx.finish().as_ref())))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn too_large() -> String {
    format!("the file is larger than {} MB", MAX_UPLOAD_BYTES >> 20)
}

fn is_owner(ctx: &Ctx) -> bool {
    ctx.role == Role::Owner
}

fn owner_only(deps: &Deps, ctx: &Ctx) -> Reply {
    log::warn!(
        "admin {} is not an owner and tried a backup action",
        ctx.user
    );
    notice(
        deps,
        &Ctx {
            message_id: None,
            ..*ctx
        },
        "admin-owner-only",
    )
}

/// The archive was rejected: say why; nothing changed and the dialogue stays open for another file.
fn invalid(deps: &Deps, ctx: &Ctx, reason: &str) -> Reply {
    log::warn!("rejected a backup upload from {}: {reason}", ctx.user);
    let text = deps.t(
        ctx.lang,
        "admin-backup-invalid",
        &[("reason", Arg::from(reason))],
    );
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

fn failed(deps: &Deps, ctx: &Ctx, err: &anyhow::Error) -> Reply {
    log::error!("backup action of {} failed: {err:#}", ctx.user);
    let error = format!("{err:#}");
    let text = deps.t(
        ctx.lang,
        "admin-backup-failed",
        &[("error", Arg::from(error.as_str()))],
    );
    vec![ctx.say_with(text, back_keyboard(deps, ctx))]
}

fn back_keyboard(deps: &Deps, ctx: &Ctx) -> Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminBackup,
    )]])
}
