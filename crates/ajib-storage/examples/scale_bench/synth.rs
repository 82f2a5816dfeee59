//! Synthesises a shop's year into a SQLite file: users, orders in every status, services, ledger, reminders.
//!
//! The shape (per user, on average): about one service (most users have 0 to
//! 2, a few up to 5, a third of first services are the free test), some
//! renewals, and more invoices that were never paid than paid ones; about
//! 8 % of users blocked the bot and 0.3 % are banned; a few have topped up
//! their balance. Rows are written in the order a real shop writes them
//! (ids grow with time), since that decides how scattered a month's rows are.
//! Everything comes from one seeded generator, so a run is reproducible.

use std::time::Instant;

use rusqlite::{Connection, params};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// One plan of the synthetic shop: days, traffic cap (GB, 0 unlimited), price in cents, weight in 100.
const PLANS: [(i64, i64, i64, u64); 4] = [
    (30, 50, 300, 40),
    (30, 100, 500, 30),
    (90, 300, 1200, 20),
    (365, 0, 4000, 10),
];

/// First names users get, in both of the bot's languages.
const NAMES: [&str; 16] = [
    "Ali", "Sara", "Reza", "Maryam", "Mohammad", "Zahra", "Hossein", "Fatemeh", "John", "Anna",
    "David", "Maria", "Amir", "Niloofar", "Omid", "Leila",
];

/// The telegram id of the synthetic user number `idx` (ascending, like real sign-ups).
#[must_use]
pub fn user_id(idx: u64) -> i64 {
    6_000_000_000 + (idx * 37) as i64
}

/// The @username of user `idx`, if they have one (two in three do).
#[must_use]
pub fn username(idx: u64) -> Option<String> {
    (!mix(idx ^ 0x5555).is_multiple_of(3)).then(|| format!("u{:x}", mix(idx) & 0xffff_ffff_ffff))
}

/// What a synthesis produced, for the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Users.
    pub users: u64,
    /// Orders in all statuses.
    pub orders: u64,
    /// Services.
    pub services: u64,
    /// Ledger rows.
    pub ledger: u64,
    /// Reminder rows.
    pub reminders: u64,
    /// Seconds the synthesis took.
    pub secs: f64,
}

/// Splitmix64: a tiny, good enough mixing function for reproducible data.
#[must_use]
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded sequence of random numbers.
pub struct Rng(u64);

impl Rng {
    /// A generator starting at `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        mix(self.0)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A time in `from..to` (just `from` if the span is empty).
    pub fn between(&mut self, from: i64, to: i64) -> i64 {
        from + self.below(u64::try_from(to - from).unwrap_or(0)) as i64
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    New,
    Renewal,
    Test,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Created,
    Invoiced,
    Paid,
    Provisioned,
    Expired,
    Failed,
    Underpaid,
}

struct OrderRec {
    created: i64,
    user: u32,
    kind: Kind,
    status: Status,
    plan: u8,
    paid: i64,
    /// The service a renewal renews, or the one a new order made (`u32::MAX`: none).
    service: u32,
}

struct ServiceRec {
    created: i64,
    user: u32,
    order: u32,
    plan: u8,
    is_test: bool,
    expires: i64,
    status: &'static str,
}

/// One ledger movement: +payment (with its invoice), -purchase, or a top-up's payment.
#[derive(Clone, Copy)]
struct LedgerRec {
    at: i64,
    user: u32,
    amount: i64,
    /// The order it belongs to (`u32::MAX`: a top-up, `topup` says which).
    order: u32,
    topup: u32,
    purchase: bool,
}

struct TopupRec {
    user: u32,
    amount: i64,
    at: i64,
}

/// Everything generated, before ids are given out in time order.
#[derive(Default)]
struct World {
    orders: Vec<OrderRec>,
    services: Vec<ServiceRec>,
    ledger: Vec<LedgerRec>,
    topups: Vec<TopupRec>,
}

/// Fills the empty, migrated database at `conn` with `n_users` users and their history up to `now`.
pub fn synthesise(conn: &mut Connection, n_users: u64, now: i64) -> rusqlite::Result<Counts> {
    let started = Instant::now();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
    )?;
    let world = generate(n_users, now);
    // Indexes are built once the rows are in, which is several times faster
    // than keeping them up to date row by row; the ledger's stay, since its
    // never-negative trigger searches `ledger_user` on every debit.
    let indexes = secondary_indexes(conn)?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    let tx = conn.transaction()?;
    insert_plans_and_admins(&tx, now)?;
    insert_users(&tx, n_users, now)?;
    tx.commit()?;
    let order_ids = order_ids(&world.orders);
    let service_ids = service_ids(&world.services);
    let tx = conn.transaction()?;
    insert_orders(&tx, &world, &order_ids, &service_ids, now)?;
    tx.commit()?;
    let tx = conn.transaction()?;
    let reminders = insert_services(&tx, &world, &order_ids, &service_ids, now)?;
    insert_ledger(&tx, &world, &order_ids)?;
    tx.commit()?;
    for (_, sql) in &indexes {
        conn.execute_batch(sql)?;
    }
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    Ok(Counts {
        users: n_users,
        orders: world.orders.len() as u64,
        services: world.services.len() as u64,
        ledger: world.ledger.len() as u64,
        reminders,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// (name, CREATE statement) of every index the migrations made, but the ledger's.
fn secondary_indexes(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name <> 'ledger'",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

fn generate(n_users: u64, now: i64) -> World {
    let mut world = World::default();
    let mut rng = Rng::new(0xA11B);
    for idx in 0..n_users {
        let created = user_created(idx, n_users, now);
        let user = idx as u32;
        let n_services = match rng.below(100) {
            0..38 => 0,
            38..76 => 1,
            76..93 => 2,
            93..97 => 3,
            _ => 4 + rng.below(2),
        };
        for nth in 0..n_services {
            let is_test = nth == 0 && rng.chance(0.35);
            add_service(&mut world, &mut rng, user, is_test, created, now);
        }
        while rng.chance(0.62) {
            add_unpaid(&mut world, &mut rng, user, created, now);
        }
        if rng.chance(0.04) {
            world.topups.push(TopupRec {
                user,
                amount: 1000 + 500 * rng.below(9) as i64,
                at: rng.between(created, now),
            });
        }
    }
    world
}

/// When user `idx` first wrote: spread over two years, later users later.
fn user_created(idx: u64, n_users: u64, now: i64) -> i64 {
    let span = 730 * DAY;
    now - span + (span as f64 * (idx as f64 + 0.5) / n_users as f64) as i64
        - (mix(idx) % 3600) as i64
}

fn pick_plan(rng: &mut Rng) -> u8 {
    let mut roll = rng.below(100);
    for (idx, plan) in PLANS.iter().enumerate() {
        if roll < plan.3 {
            return idx as u8;
        }
        roll -= plan.3;
    }
    0
}

/// A service bought (or taken as the test) some time after sign-up, and its renewals.
fn add_service(world: &mut World, rng: &mut Rng, user: u32, is_test: bool, created: i64, now: i64) {
    let start = rng.between(created, now);
    let plan = pick_plan(rng);
    let paid = start + rng.between(30, 900);
    let order = world.orders.len() as u32;
    let service = world.services.len() as u32;
    let kind = if is_test { Kind::Test } else { Kind::New };
    // A few paid orders wait for the panel (or were given up on): no service yet.
    let waiting = !is_test && rng.chance(0.0005);
    world.orders.push(OrderRec {
        created: start,
        user,
        kind,
        status: if waiting {
            Status::Paid
        } else {
            Status::Provisioned
        },
        plan,
        paid,
        service: if waiting { u32::MAX } else { service },
    });
    if !is_test {
        add_payment(world, user, order, paid, PLANS[plan as usize].2);
    }
    if waiting {
        return;
    }
    let days = if is_test { 1 } else { PLANS[plan as usize].0 };
    let service_created = paid + rng.between(5, 60);
    let mut expires = service_created + days * DAY;
    while !is_test && rng.chance(0.45) {
        let at = expires - rng.between(0, 3 * DAY);
        if at >= now {
            break;
        }
        let renewal = world.orders.len() as u32;
        let renewal_paid = at + rng.between(30, 900);
        world.orders.push(OrderRec {
            created: at,
            user,
            kind: Kind::Renewal,
            status: Status::Provisioned,
            plan,
            paid: renewal_paid,
            service,
        });
        add_payment(world, user, renewal, renewal_paid, PLANS[plan as usize].2);
        expires = expires.max(renewal_paid) + days * DAY;
    }
    let status = if expires > now - 600 {
        if rng.chance(0.02) {
            "disabled"
        } else {
            "active"
        }
    } else {
        "expired"
    };
    world.services.push(ServiceRec {
        created: service_created,
        user,
        order,
        plan,
        is_test,
        expires,
        status,
    });
}

/// The payment of an invoice and the purchase it paid for, at the same moment.
fn add_payment(world: &mut World, user: u32, order: u32, at: i64, amount: i64) {
    for purchase in [false, true] {
        world.ledger.push(LedgerRec {
            at,
            user,
            amount: if purchase { -amount } else { amount },
            order,
            topup: 0,
            purchase,
        });
    }
}

/// An order that never became a service: expired invoices mostly.
fn add_unpaid(world: &mut World, rng: &mut Rng, user: u32, created: i64, now: i64) {
    let at = rng.between(created, now);
    let status = if at > now - 3600 {
        Status::Invoiced
    } else {
        match rng.below(100) {
            0..88 => Status::Expired,
            88..94 => Status::Failed,
            94..97 => Status::Underpaid,
            _ => Status::Created,
        }
    };
    let plan = pick_plan(rng);
    let order = world.orders.len() as u32;
    world.orders.push(OrderRec {
        created: at,
        user,
        kind: Kind::New,
        status,
        plan,
        paid: 0,
        service: u32::MAX,
    });
    if status == Status::Underpaid {
        // What arrived stays on the balance.
        world.ledger.push(LedgerRec {
            at: at + 600,
            user,
            amount: PLANS[plan as usize].2 / 2,
            order,
            topup: 0,
            purchase: false,
        });
    }
}

/// Order ids (1-based) by creation time, indexed by generation order.
fn order_ids(orders: &[OrderRec]) -> Vec<i64> {
    ids_by_time(orders.iter().map(|it| it.created))
}

fn service_ids(services: &[ServiceRec]) -> Vec<i64> {
    ids_by_time(services.iter().map(|it| it.created))
}

fn ids_by_time(times: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut by_time: Vec<(i64, u32)> = times
        .enumerate()
        .map(|(idx, at)| (at, idx as u32))
        .collect();
    by_time.sort_unstable();
    let mut res = vec![0; by_time.len()];
    for (rank, (_, idx)) in by_time.into_iter().enumerate() {
        res[idx as usize] = rank as i64 + 1;
    }
    res
}

/// Generation indices sorted by the ids they were given.
fn in_id_order(ids: &[i64]) -> Vec<u32> {
    let mut res = vec![0u32; ids.len()];
    for (idx, id) in ids.iter().enumerate() {
        res[(*id - 1) as usize] = idx as u32;
    }
    res
}

fn insert_plans_and_admins(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    let mut plan = conn.prepare(
        "INSERT INTO plans (id, name_en, name_fa, days, traffic_gb, price_minor, currency, sort_order, created_at, \
         updated_at) VALUES (?1, ?2, ?2, ?3, ?4, ?5, 'USD', ?1, ?6, ?6)",
    )?;
    for (idx, (days, gb, price, _)) in PLANS.iter().enumerate() {
        let name = format!("{days} days {gb} GB");
        plan.execute(params![
            idx as i64 + 1,
            name,
            days,
            gb,
            price,
            now - 800 * DAY
        ])?;
    }
    let mut admin = conn.prepare("INSERT INTO admins (id, role, added_at) VALUES (?1, ?2, ?3)")?;
    for (idx, role) in ["owner", "admin", "admin", "support"].iter().enumerate() {
        admin.execute(params![user_id(idx as u64), role, now - 700 * DAY])?;
    }
    Ok(())
}

fn insert_users(conn: &Connection, n_users: u64, now: i64) -> rusqlite::Result<()> {
    let mut insert = conn.prepare(
        "INSERT INTO users (id, username, first_name, lang, blocked_bot, banned, start_payload, created_at, \
         last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut rng = Rng::new(0x05E5);
    for idx in 0..n_users {
        let created = user_created(idx, n_users, now);
        let last_seen = match rng.below(100) {
            0..10 => rng.between(now - DAY, now),
            10..30 => rng.between(now - 7 * DAY, now),
            30..50 => rng.between(now - 30 * DAY, now),
            _ => rng.between(created, now),
        }
        .max(created);
        let lang = match rng.below(100) {
            0..45 => Some("fa"),
            45..80 => Some("en"),
            _ => None,
        };
        let name = format!(
            "{} {}",
            NAMES[rng.below(NAMES.len() as u64) as usize],
            idx % 1000
        );
        let payload = rng.chance(0.1).then(|| format!("ref_{}", rng.below(500)));
        insert.execute(params![
            user_id(idx),
            username(idx),
            name,
            lang,
            rng.chance(0.08),
            rng.chance(0.003),
            payload,
            created,
            last_seen
        ])?;
    }
    Ok(())
}

fn status_text(status: Status) -> &'static str {
    match status {
        Status::Created => "created",
        Status::Invoiced => "invoiced",
        Status::Paid => "paid",
        Status::Provisioned => "provisioned",
        Status::Expired => "expired",
        Status::Failed => "failed",
        Status::Underpaid => "underpaid",
    }
}

/// The invoice uuid of order `id` (or of a top-up, with another prefix).
fn invoice_uuid(prefix: u32, id: i64) -> String {
    format!(
        "{prefix:08x}-{:04x}-4000-8000-{id:012x}",
        mix(id as u64) & 0xffff
    )
}

fn insert_orders(
    conn: &Connection,
    world: &World,
    order_ids: &[i64],
    service_ids: &[i64],
    now: i64,
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare(
        "INSERT INTO orders (id, user_id, plan_id, kind, renewal_service_id, amount_minor, currency, status, \
         invoice_uuid, invoice_url, invoice_expires_at, next_poll_at, paid_at, provisioned_at, service_id, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'USD', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut job = conn.prepare(
        "INSERT INTO jobs (kind, payload, status, run_at, attempts, created_at, updated_at) \
         VALUES ('provision', ?1, ?2, ?3, 1, ?3, ?4)",
    )?;
    let mut payment = conn.prepare(
        "INSERT INTO payments (invoice_uuid, order_id, status, raw, received_at) VALUES (?1, ?2, 'paid', ?3, ?4)",
    )?;
    for idx in in_id_order(order_ids) {
        let order = &world.orders[idx as usize];
        let id = order_ids[idx as usize];
        let is_test = order.kind == Kind::Test;
        let invoiced = !is_test && order.status != Status::Created;
        let uuid = invoiced.then(|| invoice_uuid(0xa11b, id));
        let url = uuid
            .as_ref()
            .map(|it| format!("https://pay.heleket.com/pay/{it}"));
        let invoice_expires = invoiced.then_some(order.created + 3600);
        let next_poll = match order.status {
            Status::Invoiced => Some(order.created + 60),
            Status::Expired if order.created > now - 2 * DAY => Some(order.created + 7200),
            _ => None,
        };
        let is_paid = matches!(order.status, Status::Paid | Status::Provisioned);
        let service = (order.service != u32::MAX).then(|| service_ids[order.service as usize]);
        let provisioned = (order.status == Status::Provisioned).then_some(order.paid + 30);
        let kind = match order.kind {
            Kind::New => "new",
            Kind::Renewal => "renewal",
            Kind::Test => "test",
        };
        let plan = (!is_test).then_some(i64::from(order.plan) + 1);
        let amount = if is_test {
            0
        } else {
            PLANS[order.plan as usize].2
        };
        let updated = provisioned.unwrap_or(order.created + 3600);
        insert.execute(params![
            id,
            user_id(u64::from(order.user)),
            plan,
            kind,
            (order.kind == Kind::Renewal).then_some(service).flatten(),
            amount,
            status_text(order.status),
            uuid,
            url,
            invoice_expires,
            next_poll,
            is_paid.then_some(order.paid),
            provisioned,
            service,
            order.created,
            updated
        ])?;
        if is_paid {
            let state = if order.status == Status::Paid {
                "pending"
            } else {
                "done"
            };
            job.execute(params![
                format!("{{\"order_id\":{id}}}"),
                state,
                order.paid,
                updated
            ])?;
        }
        if let (true, Some(uuid)) = (is_paid || order.status == Status::Underpaid, &uuid) {
            let raw = format!(
                "{{\"uuid\":\"{uuid}\",\"order_id\":\"ajib-{id}\",\"payment_status\":\"paid\"}}"
            );
            payment.execute(params![uuid, id, raw, order.paid.max(order.created)])?;
        }
    }
    Ok(())
}

/// Services, and the reminders already sent for them; returns the number of reminders.
fn insert_services(
    conn: &Connection,
    world: &World,
    order_ids: &[i64],
    service_ids: &[i64],
    now: i64,
) -> rusqlite::Result<u64> {
    let mut insert = conn.prepare(
        "INSERT INTO services (id, user_id, order_id, panel_id, blitz_username, plan_id, is_test, created_at, \
         expires_at, traffic_limit_bytes, status) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut remind =
        conn.prepare("INSERT INTO reminders (service_id, kind, sent_at) VALUES (?1, ?2, ?3)")?;
    let mut reminders = 0;
    for idx in in_id_order(service_ids) {
        let service = &world.services[idx as usize];
        let id = service_ids[idx as usize];
        let user = user_id(u64::from(service.user));
        let gb = if service.is_test {
            1
        } else {
            PLANS[service.plan as usize].1
        };
        let limit = (gb > 0).then_some(gb << 30);
        insert.execute(params![
            id,
            user,
            order_ids[service.order as usize],
            format!("ajib_{user}_{id}"),
            (!service.is_test).then_some(i64::from(service.plan) + 1),
            service.is_test,
            service.created,
            service.expires,
            limit,
            service.status
        ])?;
        for (kind, before) in [("expiry-3d", 3 * DAY), ("expiry-1d", DAY), ("expired", 0)] {
            let at = service.expires - before;
            if at <= now && at >= service.created {
                remind.execute(params![id, kind, at])?;
                reminders += 1;
            }
        }
    }
    Ok(reminders)
}

/// Ledger rows in time order (a payment before the purchase it paid), and the top-ups behind theirs.
fn insert_ledger(conn: &Connection, world: &World, order_ids: &[i64]) -> rusqlite::Result<()> {
    let mut topup = conn.prepare(
        "INSERT INTO topups (id, user_id, amount_minor, currency, status, invoice_uuid, created_at, updated_at) \
         VALUES (?1, ?2, ?3, 'USD', 'paid', ?4, ?5, ?5)",
    )?;
    let mut rows: Vec<LedgerRec> = Vec::with_capacity(world.ledger.len() + world.topups.len());
    for (idx, it) in world.topups.iter().enumerate() {
        let id = idx as i64 + 1;
        topup.execute(params![
            id,
            user_id(u64::from(it.user)),
            it.amount,
            invoice_uuid(0x7000, id),
            it.at
        ])?;
        rows.push(LedgerRec {
            at: it.at,
            user: it.user,
            amount: it.amount,
            order: u32::MAX,
            topup: idx as u32 + 1,
            purchase: false,
        });
    }
    rows.extend(world.ledger.iter().copied());
    rows.sort_by_key(|it| (it.at, it.purchase));
    let mut insert = conn.prepare(
        "INSERT INTO ledger (user_id, currency, amount_minor, cause, order_id, invoice_uuid, created_at) \
         VALUES (?1, 'USD', ?2, ?3, ?4, ?5, ?6)",
    )?;
    for row in rows {
        let order = (row.order != u32::MAX).then(|| order_ids[row.order as usize]);
        let (cause, uuid) = match (row.purchase, order) {
            (true, _) => ("purchase", None),
            (false, Some(id)) => ("payment", Some(invoice_uuid(0xa11b, id))),
            (false, None) => ("payment", Some(invoice_uuid(0x7000, i64::from(row.topup)))),
        };
        insert.execute(params![
            user_id(u64::from(row.user)),
            row.amount,
            cause,
            order,
            uuid,
            row.at
        ])?;
    }
    Ok(())
}
