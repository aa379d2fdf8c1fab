//! Demo data for a first run, so a newcomer's first page is not blank (`CONVENE_DEMO=0` skips it).

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::Error;
use crate::store::organizations::{self, NewOrganization};

const DEMO_ORGANIZATIONS: &[(&str, &str, &str)] = &[
    (
        "rust-berlin",
        "Rust Berlin",
        "Monthly talks and hack nights for Rustaceans in Berlin.",
    ),
    (
        "rust-lisbon",
        "Rust Lisbon",
        "Meetups, workshops and a yearly unconference by the Tagus.",
    ),
    (
        "rust-london",
        "Rust London",
        "The London Rust user group: talks, beginners' sessions and socials.",
    ),
    (
        "rust-nyc",
        "Rust NYC",
        "New York's Rust community: lightning talks and project nights.",
    ),
];

/// Adds the demo organizations when the store has none; returns how many it added.
/// One transaction: a failure leaves the store as it was.
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<usize, Error> {
    let txn = db.begin().await?;
    if organizations::count(&txn).await? > 0 {
        return Ok(0);
    }
    for (slug, name, description) in DEMO_ORGANIZATIONS {
        organizations::create(&txn, NewOrganization::parse(slug, name, description)?).await?;
    }
    txn.commit().await?;
    Ok(DEMO_ORGANIZATIONS.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_store;

    #[tokio::test]
    async fn seeds_an_empty_store_once() {
        let store = fresh_store().await;
        assert_eq!(seed_if_empty(store.db()).await.unwrap(), 4);
        assert_eq!(seed_if_empty(store.db()).await.unwrap(), 0);
        assert_eq!(organizations::count(store.db()).await.unwrap(), 4);
    }

    #[tokio::test]
    async fn leaves_a_store_with_organizations_alone() {
        let store = fresh_store().await;
        organizations::create(
            store.db(),
            NewOrganization::parse("mine", "Mine", "").unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(seed_if_empty(store.db()).await.unwrap(), 0);
        assert_eq!(organizations::count(store.db()).await.unwrap(), 1);
    }
}
