//! Leases: an expiring claim on a named job, so that of several replicas on one database only
//! one runs it; a lease whose holder died expires and is taken over.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::Error;
use crate::store::entities::lease;

/// Takes (or renews) the lease for `ttl` when it is free, expired, or already ours.
/// One conditional UPDATE decides, so two replicas can never both win.
pub async fn try_take(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    // Make sure the row exists, already expired, so the UPDATE below can claim it.
    lease::Entity::insert(lease::ActiveModel {
        name: Set(name.to_owned()),
        owner: Set(String::new()),
        expires_at: Set(DateTime::UNIX_EPOCH),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    let claimed = lease::Entity::update_many()
        .col_expr(lease::Column::Owner, Expr::value(owner))
        .col_expr(lease::Column::ExpiresAt, Expr::value(now + ttl))
        .filter(lease::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(lease::Column::Owner.eq(owner))
                .add(lease::Column::ExpiresAt.lte(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

/// Gives the lease up early (the job finished); only its holder can.
pub async fn release(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    lease::Entity::update_many()
        .col_expr(lease::Column::ExpiresAt, Expr::value(now))
        .filter(lease::Column::Name.eq(name))
        .filter(lease::Column::Owner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_store;

    #[tokio::test]
    async fn one_holder_at_a_time_and_expired_leases_are_taken_over() {
        let store = fresh_store().await;
        let now = Utc::now();
        let hour = Duration::hours(1);
        assert!(
            try_take(store.db(), "daily", "replica-a", hour, now)
                .await
                .unwrap()
        );
        assert!(
            !try_take(store.db(), "daily", "replica-b", hour, now)
                .await
                .unwrap()
        );
        assert!(
            try_take(store.db(), "daily", "replica-a", hour, now)
                .await
                .unwrap(),
            "renewal"
        );
        let later = now + hour + Duration::seconds(1);
        assert!(
            try_take(store.db(), "daily", "replica-b", hour, later)
                .await
                .unwrap(),
            "expired: taken over"
        );
        assert!(
            !try_take(store.db(), "daily", "replica-a", hour, later)
                .await
                .unwrap()
        );
        release(store.db(), "daily", "replica-b", later)
            .await
            .unwrap();
        assert!(
            try_take(store.db(), "daily", "replica-a", hour, later)
                .await
                .unwrap(),
            "released"
        );
    }
}
