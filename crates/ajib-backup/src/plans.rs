//! `plans.json`: the plans export in backups, in the old bot's JSON shape.

use ajib_domain::Plan;
use serde::{Deserialize, Serialize};

use crate::{Error, PLANS_NAME};

/// One plan in the JSON format of the old bot (import) and of `plans.json` in backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanJson {
    /// Display name; the old bot had one name for every language.
    #[serde(alias = "title", alias = "name_en")]
    pub name: String,
    /// Persian display name; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_fa: Option<String>,
    /// Price, a JSON number or string (`5`, `"5.00"`).
    pub price: serde_json::Value,
    /// ISO currency code; defaults to USD.
    #[serde(default = "usd")]
    pub currency: String,
    /// Subscription length in days.
    #[serde(alias = "duration_days", alias = "duration")]
    pub days: u32,
    /// Traffic in GB; 0 or absent means unlimited.
    #[serde(default, alias = "data_limit_gb", alias = "traffic")]
    pub traffic_gb: u32,
    /// Whether it is on sale; defaults to true.
    #[serde(default = "yes", alias = "enabled")]
    pub active: bool,
}

impl PlanJson {
    /// The export form of a stored plan.
    #[must_use]
    pub fn from_plan(plan: &Plan) -> Self {
        Self {
            name: plan.name.en.clone(),
            name_fa: Some(plan.name.fa.clone()),
            price: serde_json::Value::String(plan.price.to_decimal_string()),
            currency: plan.price.currency().code().to_owned(),
            days: plan.days,
            traffic_gb: plan.traffic_gb,
            active: plan.active,
        }
    }
}

/// The `plans.json` bytes for `plans`: a pretty-printed array of [`PlanJson`].
pub fn plans_json(plans: &[Plan]) -> Result<Vec<u8>, Error> {
    let json: Vec<PlanJson> = plans.iter().map(PlanJson::from_plan).collect();
    serde_json::to_vec_pretty(&json).map_err(|e| Error::Encode {
        name: PLANS_NAME.to_owned(),
        detail: e.to_string(),
    })
}

fn usd() -> String {
    "USD".to_owned()
}

fn yes() -> bool {
    true
}
