//! Telegram Stars in the fake: invoices the bot sent, pre-checkout queries
//! waiting for their answer, charges and refunds, with Telegram's validations.
//!
//! Checked as the Bot API documents them: `sendInvoice` in `XTR` needs an
//! empty `provider_token` and exactly one price of 1..=10000 Stars, a
//! payload of 1–128 bytes, a title of 1–32 and a description of 1–255
//! characters; `answerPreCheckoutQuery` must name a query that is still open
//! (Telegram waits 10 s) and give an `error_message` when `ok` is false;
//! `refundStarPayment` must name a charge of that user, refunded at most once.
//!
//! Not checked (Telegram does not publish enough to model it): the exact
//! wording of every error (those here follow what Telegram answers in the
//! cases we know), the fees and the Stars balance of the bot, subscriptions
//! (`subscription_period`), photos and other optional invoice fields, and
//! that a user can pay only while their client shows the invoice.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::telegram::state::Params;

/// How long Telegram waits for `answerPreCheckoutQuery`.
pub(super) const PRE_CHECKOUT_ANSWER: Duration = Duration::from_secs(10);

/// The most Stars one invoice may ask.
const MAX_STARS: i64 = 10_000;

/// An invoice the bot sent, as a test reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentInvoice {
    /// The chat it was sent to.
    pub chat_id: i64,
    /// Its message id in that chat.
    pub message_id: i32,
    /// `title`.
    pub title: String,
    /// `description`.
    pub description: String,
    /// `payload`, the bot's reference.
    pub payload: String,
    /// The one price, in Stars.
    pub stars: u32,
}

/// How a simulated payment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StarsOutcome {
    /// The bot said ok: the Stars were taken and `successful_payment` sent.
    Paid {
        /// `telegram_payment_charge_id`.
        charge_id: String,
    },
    /// The bot said no; the user sees `error_message`.
    Refused {
        /// What the bot told the user.
        error_message: String,
    },
    /// The bot did not answer in time: no payment.
    NotAnswered,
    /// No invoice with that message id in the user's chat.
    NoInvoice,
}

/// What the fake keeps about one bot's Stars.
#[derive(Debug)]
pub(super) struct Stars {
    /// The bot's id, part of every query and charge id so they are unique across bots.
    bot_id: i64,
    pub(super) invoices: Vec<SentInvoice>,
    queries: HashMap<String, Query>,
    charges: HashMap<String, Charge>,
    next_query: u64,
    next_charge: u64,
    /// Deliver every `successful_payment` twice, as Telegram may.
    pub(super) deliver_twice: bool,
}

#[derive(Debug)]
struct Query {
    created: Instant,
    answer: Option<Result<(), String>>,
}

#[derive(Debug)]
struct Charge {
    user_id: i64,
    refunded: bool,
}

/// Why a call is refused: the description, and whether it is the bot's mistake (a violation).
pub(super) struct Refusal {
    pub(super) description: String,
    pub(super) violation: bool,
}

type Checked<T> = Result<T, Refusal>;

impl Stars {
    /// No invoices, queries or charges yet.
    pub(super) fn new(bot_id: i64) -> Self {
        Self {
            bot_id,
            invoices: Vec::new(),
            queries: HashMap::new(),
            charges: HashMap::new(),
            next_query: 0,
            next_charge: 0,
            deliver_twice: false,
        }
    }

    /// Validates a `sendInvoice` and returns the invoice to record (its message id still 0).
    pub(super) fn check_invoice(params: &Params, chat_id: i64) -> Checked<SentInvoice> {
        let currency = params.str("currency").unwrap_or_default();
        if currency != "XTR" {
            return Err(mistake("only invoices in Telegram Stars (XTR) are faked"));
        }
        if params
            .str("provider_token")
            .is_some_and(|it| !it.is_empty())
        {
            return Err(mistake("PAYMENT_PROVIDER_INVALID"));
        }
        let title = params.str("title").unwrap_or_default();
        if !(1..=32).contains(&title.chars().count()) {
            return Err(mistake("title must be 1-32 characters"));
        }
        let description = params.str("description").unwrap_or_default();
        if !(1..=255).contains(&description.chars().count()) {
            return Err(mistake("description must be 1-255 characters"));
        }
        let payload = params.str("payload").unwrap_or_default();
        if !(1..=128).contains(&payload.len()) {
            return Err(mistake("INVOICE_PAYLOAD_INVALID"));
        }
        let prices = params.json("prices");
        let Some([price]) = prices.as_ref().and_then(Value::as_array).map(Vec::as_slice) else {
            return Err(mistake(
                "exactly one price is allowed for payments in Telegram Stars",
            ));
        };
        let stars = price["amount"].as_i64().unwrap_or(0);
        let label_ok = price["label"].as_str().is_some_and(|it| !it.is_empty());
        if !label_ok || !(1..=MAX_STARS).contains(&stars) {
            return Err(mistake("CURRENCY_TOTAL_AMOUNT_INVALID"));
        }
        Ok(SentInvoice {
            chat_id,
            message_id: 0,
            title,
            description,
            payload,
            stars: u32::try_from(stars).unwrap_or(0),
        })
    }

    /// Opens a pre-checkout query for `invoice` paid by the user; returns its id and update.
    pub(super) fn open_query(&mut self, invoice: &SentInvoice, from: Value) -> (String, Value) {
        self.next_query += 1;
        let id = format!("pcq{}_{}", self.bot_id, self.next_query);
        self.queries.insert(
            id.clone(),
            Query {
                created: Instant::now(),
                answer: None,
            },
        );
        let update = json!({
            "pre_checkout_query": {
                "id": id,
                "from": from,
                "currency": "XTR",
                "total_amount": invoice.stars,
                "invoice_payload": invoice.payload,
            }
        });
        (id, update)
    }

    /// The bot's answer to query `id`, once it gave one.
    pub(super) fn answer_of(&self, id: &str) -> Option<Result<(), String>> {
        self.queries.get(id).and_then(|it| it.answer.clone())
    }

    /// `answerPreCheckoutQuery`.
    pub(super) fn answer(&mut self, params: &Params, now: Instant) -> Checked<Value> {
        let id = params.str("pre_checkout_query_id").unwrap_or_default();
        let Some(query) = self.queries.get_mut(&id) else {
            return Err(mistake("QUERY_ID_INVALID"));
        };
        if query.answer.is_some() || now.duration_since(query.created) >= PRE_CHECKOUT_ANSWER {
            return Err(mistake(
                "query is too old and response timeout expired or query ID is invalid",
            ));
        }
        let ok = params.bool("ok");
        let message = params.str("error_message").unwrap_or_default();
        if !ok && message.trim().is_empty() {
            return Err(mistake("error_message is required when ok is false"));
        }
        query.answer = Some(if ok { Ok(()) } else { Err(message) });
        Ok(json!(true))
    }

    /// Takes the Stars: a new charge and the `successful_payment` message fields.
    pub(super) fn charge(&mut self, invoice: &SentInvoice, user_id: i64) -> (String, Value) {
        self.next_charge += 1;
        let charge_id = format!("stxFAKE{}n{:08}u{user_id}", self.bot_id, self.next_charge);
        self.charges.insert(
            charge_id.clone(),
            Charge {
                user_id,
                refunded: false,
            },
        );
        let payment = json!({
            "currency": "XTR",
            "total_amount": invoice.stars,
            "invoice_payload": invoice.payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": "",
        });
        (charge_id, payment)
    }

    /// `refundStarPayment`.
    pub(super) fn refund(&mut self, params: &Params) -> Checked<Value> {
        let charge_id = params.str("telegram_payment_charge_id").unwrap_or_default();
        let user_id = params.int("user_id");
        let Some(charge) = self
            .charges
            .get_mut(&charge_id)
            .filter(|it| Some(it.user_id) == user_id)
        else {
            return Err(mistake("CHARGE_NOT_FOUND"));
        };
        if charge.refunded {
            // A repeated refund is a retry a bot may make; Telegram refuses it, no more.
            return Err(Refusal {
                description: "CHARGE_ALREADY_REFUNDED".to_owned(),
                violation: false,
            });
        }
        charge.refunded = true;
        Ok(json!(true))
    }

    /// Whether charge `id` was refunded.
    pub(super) fn refunded(&self, id: &str) -> bool {
        self.charges.get(id).is_some_and(|it| it.refunded)
    }
}

fn mistake(description: &str) -> Refusal {
    Refusal {
        description: description.to_owned(),
        violation: true,
    }
}
