//! A Heleket that hangs holds a bounded number of invoice calls, and nobody else.

use ajib_app::core::invoice::INVOICE_CALLS;
use ajib_testkit::{heleket::HeleketFault, telegram::SimUser};

use crate::support::{Env, button_data};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_heleket_holds_a_bounded_number_of_pay_presses() {
    let env = Env::start().await;
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let extra = 3;
    let shoppers: Vec<SimUser> = (0..INVOICE_CALLS + extra)
        .map(|n| {
            let mut user = SimUser::new(5_000 + i64::try_from(n).unwrap(), "Shopper");
            user.language_code = Some("en".to_owned());
            user
        })
        .collect();
    let pay_buttons: Vec<(i32, String)> = shoppers
        .iter()
        .map(|user| {
            let (_, details) = env.first_plan(user, "v1:l:en");
            (details.message_id, button_data(&details, "v1:b:").unwrap())
        })
        .collect();

    heleket.set_fault(HeleketFault::Hang);
    for (user, (message_id, buy)) in shoppers.iter().zip(&pay_buttons) {
        env.sandbox.telegram.press_button(user, *message_id, buy);
    }
    // Those beyond the bound (whichever they are: chats are handled
    // concurrently) are told to try again while the others still hang.
    let told = |user: &SimUser| env.count(user.id, "couldn't create your invoice") > 0;
    let deadline = std::time::Instant::now() + crate::support::WAIT;
    while shoppers.iter().filter(|it| told(it)).count() < extra {
        assert!(
            std::time::Instant::now() < deadline,
            "nobody was told to try again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        heleket.request_count(),
        INVOICE_CALLS,
        "only the bounded number of calls reached the hung Heleket"
    );
    assert_eq!(shoppers.iter().filter(|it| told(it)).count(), extra);

    // Everyone else is answered as usual meanwhile.
    let other = env.user(0).clone();
    env.say(&other, "/start", |it| button_data(it, "v1:l:").is_some());
}
