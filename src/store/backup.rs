//! `convene backup FILE`: a consistent copy of a live SQLite store (issue #28), taken while the
//! server serves and syncs. SQLite's `VACUUM INTO` writes the copy inside one read transaction,
//! so it is a snapshot of one moment (what the online backup API gives, without copying pages a
//! writer changes meanwhile again); writers go on meanwhile (WAL). The copy is written beside
//! the target under a temporary name and renamed into place when complete, readable by its
//! owner only. A Postgres store is backed up with `pg_dump`; the command says so.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub file: PathBuf,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already: choose a new file (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error(
        "the store is Postgres: back it up with pg_dump, for example `pg_dump --format=custom --file=convene.dump \"$DATABASE_URL\"`, and restore with pg_restore into an empty database; keep CONVENE_SECRET_KEY with the dump"
    )]
    Postgres,
    #[error("the backup could not be written to {file}: {reason}")]
    Write { file: PathBuf, reason: String },
}

/// Copies the live SQLite store behind `db` to `file`.
pub async fn sqlite_copy(db: &DatabaseConnection, file: &Path) -> Result<Backup, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::Postgres);
    }
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let failed = |reason: String| BackupError::Write {
        file: file.to_owned(),
        reason,
    };
    let partial = partial_name(file);
    // A partial copy left by a killed backup is ours to replace.
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(|err| failed(err.to_string()))?;
    }
    let target = partial
        .to_str()
        .ok_or_else(|| failed("the path is not UTF-8".into()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .map_err(|err| failed(err.to_string()))?;
    restrict(&partial).map_err(|err| failed(err.to_string()))?;
    std::fs::rename(&partial, file).map_err(|err| failed(err.to_string()))?;
    let bytes = std::fs::metadata(file)
        .map_err(|err| failed(err.to_string()))?
        .len();
    Ok(Backup {
        file: file.to_owned(),
        bytes,
    })
}

fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

/// Password hashes and sealed secrets are in it: for its owner's eyes only.
fn restrict(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}
