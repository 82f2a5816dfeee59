//! Touching the service's own paths as root without ever following a link in them.
//!
//! The data directory, the backups under it and the database belong to the
//! service user, and `DATA_DIR`/`DATABASE_URL` come from a file that user may
//! write. A compromised bot could put a symbolic link anywhere in there, so
//! code that may run as root (`ajib-ctl backup`, the update's backup and
//! rollback) checks every component with `symlink_metadata` before use, opens
//! files with `O_NOFOLLOW` (and creates them with `O_EXCL`, which refuses any
//! link, even a dangling one), and changes owner and mode through the open
//! handle, never by path.
//!
//! What remains is a race: the service could swap a checked directory for a
//! link between the check and the use. Files are still created exclusively and
//! never followed, so the worst it gains is writing into its own directories.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, ErrorKind},
    os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt},
    path::{Component, Path, PathBuf},
};

use crate::Error;

/// The owner (uid, gid) files get when root writes them for the service.
pub type Owner = (u32, u32);

/// Fails with [`Error::SymlinkRefused`] if `path` or any existing component between
/// `trusted` (included) and `path` is a symbolic link.
///
/// `trusted` is the deepest directory root may rely on, e.g. the parent of the
/// data directory. When `path` is not under it, `path` and its parent are checked.
pub fn refuse_links(path: &Path, trusted: &Path) -> Result<(), Error> {
    let mut steps = Vec::new();
    match path.strip_prefix(trusted) {
        Ok(rest) => {
            let mut at = trusted.to_owned();
            steps.push(at.clone());
            for part in rest.components() {
                if let Component::Normal(name) = part {
                    at.push(name);
                    steps.push(at.clone());
                } else {
                    // `..` or `.` could climb out of the checked tree: refuse the whole path.
                    return Err(Error::UnsafeLocalPath {
                        path: path.to_owned(),
                    });
                }
            }
        }
        Err(_) => {
            if let Some(parent) = path.parent().filter(|it| !it.as_os_str().is_empty()) {
                steps.push(parent.to_owned());
            }
            steps.push(path.to_owned());
        }
    }
    for step in steps {
        match fs::symlink_metadata(&step) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::SymlinkRefused { path: step });
            }
            Ok(_) => (),
            // Nothing below a missing component exists either.
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("inspect", &step, e)),
        }
    }
    Ok(())
}

/// [`refuse_links`] for a SQLite database and the side files SQLite opens by name.
pub fn refuse_db_links(db: &Path, trusted: &Path) -> Result<(), Error> {
    refuse_links(db, trusted)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        refuse_links(&side_file(db, suffix), trusted)?;
    }
    Ok(())
}

/// `db` with `suffix` appended to its file name (`ajib.db-wal`).
pub(crate) fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Opens an existing regular file for reading without following a link at its name.
pub fn open_file(path: &Path) -> Result<File, Error> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| link_or_io("open", path, e))?;
    let meta = file.metadata().map_err(|e| Error::io("inspect", path, e))?;
    if !meta.is_file() {
        return Err(Error::io(
            "open",
            path,
            io::Error::new(ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    Ok(file)
}

/// Creates `path` as a new file, 0600, refusing anything already there, a link above all.
pub fn create_new_file(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| link_or_io("create", path, e))
}

/// Opens a directory without following a link at its name.
pub(crate) fn open_dir(dir: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY)
        .open(dir)
        .map_err(|e| link_or_io("open directory", dir, e))
}

/// Creates `dir` (and its parents) if needed, then makes it 0700 through its handle.
///
/// A link at `dir` is refused rather than followed; the caller checks the
/// components above with [`refuse_links`]. Returns the open directory so the
/// caller can change its owner with `fchown`.
pub fn create_private_dir(dir: &Path) -> Result<File, Error> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::SymlinkRefused {
                path: dir.to_owned(),
            });
        }
        Ok(_) => (),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| Error::io("create", dir, e))?;
        }
        Err(e) => return Err(Error::io("inspect", dir, e)),
    }
    let handle = open_dir(dir)?;
    handle
        .set_permissions(fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io("restrict permissions of", dir, e))?;
    Ok(handle)
}

/// Gives an open file or directory `owner`; `None` leaves it as it is.
pub fn chown_handle(file: &File, owner: Option<Owner>, path: &Path) -> Result<(), Error> {
    let Some((uid, gid)) = owner else {
        return Ok(());
    };
    let meta = file.metadata().map_err(|e| Error::io("inspect", path, e))?;
    if meta.uid() == uid && meta.gid() == gid {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(uid), Some(gid)).map_err(|e| Error::io("chown", path, e))
}

/// The owner of `path` itself (a link is refused, not followed).
pub fn owner_of(path: &Path) -> Result<Owner, Error> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io("inspect", path, e))?;
    if meta.file_type().is_symlink() {
        return Err(Error::SymlinkRefused {
            path: path.to_owned(),
        });
    }
    Ok((meta.uid(), meta.gid()))
}

/// Maps `ELOOP` (what `O_NOFOLLOW` answers for a link), or `EEXIST` for a link, to [`Error::SymlinkRefused`].
fn link_or_io(action: &'static str, path: &Path, e: io::Error) -> Error {
    let is_link = || fs::symlink_metadata(path).is_ok_and(|it| it.file_type().is_symlink());
    if e.raw_os_error() == Some(libc::ELOOP) || (e.kind() == ErrorKind::AlreadyExists && is_link())
    {
        return Error::SymlinkRefused {
            path: path.to_owned(),
        };
    }
    Error::io(action, path, e)
}
