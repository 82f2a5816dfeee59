//! Who is talking to the bot: one role per user, decided in one place.

use ajib_domain::TelegramId;
use ajib_storage::AdminRole;

use crate::deps::Deps;

/// What a user may do, from the least to the most trusted; [`Ord`] follows trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A customer: everyone who is not staff.
    Customer,
    /// Support staff: read-only admin screens, lookups and messages to users.
    Support,
    /// An admin: every change to plans, users, orders and broadcasts.
    Admin,
    /// An owner (`TELEGRAM_ADMIN_IDS`): everything, including staff and backups.
    Owner,
}

impl Role {
    /// The role of `user`: owners from configuration, other staff from the
    /// admins table, everyone else a customer. The one place a role is decided.
    pub async fn of(deps: &Deps, user: TelegramId) -> Self {
        if deps.settings.owner_ids.contains(&user.0) {
            return Self::Owner;
        }
        match deps.store.get_admin(user).await {
            Ok(Some(admin)) => Self::from(admin.role),
            Ok(None) => Self::Customer,
            Err(err) => {
                // Failing closed: a database error never grants staff rights.
                log::error!("admin lookup of {user} failed: {err}");
                Self::Customer
            }
        }
    }

    /// Whether this role is staff (support, admin or owner).
    #[must_use]
    pub fn is_staff(self) -> bool {
        self >= Self::Support
    }

    /// Whether this role may do what `needed` may.
    #[must_use]
    pub fn allows(self, needed: Self) -> bool {
        self >= needed
    }
}

impl From<AdminRole> for Role {
    fn from(role: AdminRole) -> Self {
        match role {
            AdminRole::Owner => Self::Owner,
            AdminRole::Admin => Self::Admin,
            AdminRole::Support => Self::Support,
        }
    }
}
