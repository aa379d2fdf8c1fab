//! `convene backup FILE` (issue #28): a consistent copy of a live SQLite store, taken while
//! another connection writes, that serves the same data once restored the documented way.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use convene::store::{self, organizations};
use convene::testing::{fresh_database_url, scratch_dir};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement};

use crate::helpers::ServerProcess;

/// `convene backup FILE` against the store at `database_url`: its exit code and what it said.
fn backup(database_url: &str, file: &std::path::Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_convene"))
        .env_clear()
        .envs(convene::testing::moved_clock_env())
        .env("DATABASE_URL", database_url)
        .env("CONVENE_DATA_DIR", scratch_dir("backup-cli"))
        .arg("backup")
        .arg(file)
        .output()
        .expect("run convene backup");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), said)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_writing_is_consistent_and_serves_once_restored() {
    let database_url = fresh_database_url().await;
    let copy = scratch_dir("backup").join("convene-backup.db");
    if !database_url.starts_with("sqlite") {
        let (code, said) = backup(&database_url, &copy);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains("pg_dump"), "{said}");
        assert!(!copy.exists());
        return;
    }
    let db = store::connect(&database_url).await.unwrap();
    store::migrate(&db).await.unwrap();
    for n in 0..50 {
        organizations::create(
            &db,
            organizations::NewOrganization::parse(&format!("org-{n}"), &format!("Org {n}"), "")
                .unwrap(),
        )
        .await
        .unwrap();
    }
    // Another connection keeps writing throughout the copy.
    let writing = Arc::new(AtomicBool::new(true));
    let written = Arc::new(AtomicU32::new(50));
    let writer = {
        let (db, writing, written) = (db.clone(), writing.clone(), written.clone());
        tokio::spawn(async move {
            while writing.load(Ordering::SeqCst) {
                let n = written.load(Ordering::SeqCst);
                organizations::create(
                    &db,
                    organizations::NewOrganization::parse(
                        &format!("org-{n}"),
                        &format!("Org {n}"),
                        "",
                    )
                    .unwrap(),
                )
                .await
                .unwrap();
                written.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let (code, said) = {
        let (url, copy) = (database_url.clone(), copy.clone());
        tokio::task::spawn_blocking(move || backup(&url, &copy))
            .await
            .unwrap()
    };
    let written_during = written.load(Ordering::SeqCst);
    writing.store(false, Ordering::SeqCst);
    writer.await.unwrap();
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("backed up the store to") && said.contains("keep CONVENE_SECRET_KEY"),
        "{said}"
    );
    assert!(written_during > 50, "the writer wrote during the backup");

    // The copy is whole and a snapshot: one moment's organizations, owner-only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let copy_url = format!("sqlite://{}?mode=ro", copy.display());
    // Read as it is: the store's own connection would switch the file to WAL.
    let copied = sea_orm::Database::connect(&copy_url).await.unwrap();
    let check = copied
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        check.try_get::<String>("", "integrity_check").unwrap(),
        "ok"
    );
    let in_copy = convene::store::entities::organization::Entity::find()
        .count(&copied)
        .await
        .unwrap();
    assert!(
        (50..=u64::from(written_during) + 1).contains(&in_copy),
        "{in_copy} organizations in the copy, {written_during} written by then"
    );
    copied.close().await.unwrap();

    // A backup never overwrites.
    let (code, said) = backup(&database_url, &copy);
    assert_eq!(code, 1);
    assert!(said.contains("exists already"), "{said}");

    // Restored as docs/operating.md says: the copy as the data directory's convene.db.
    let restored = scratch_dir("restored");
    std::fs::copy(&copy, restored.join("convene.db")).unwrap();
    let server = ServerProcess::start(&[
        ("CONVENE_DATA_DIR", &restored.display().to_string()),
        ("CONVENE_DAILY_SYNC", "0"),
    ]);
    let page = reqwest::get(format!("{}/orgs", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Org 0") && page.contains("Org 49"), "{page}");
}
