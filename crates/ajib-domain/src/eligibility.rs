//! Who may have the free test account.

/// The operator's rules for test accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestPolicy {
    /// Whether test accounts are offered at all.
    pub enabled: bool,
    /// Whether someone who already bought is refused a test.
    pub refuse_after_purchase: bool,
}

/// Why a user may not have a test account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TestRefusal {
    /// Test accounts are switched off.
    #[error("test accounts are disabled")]
    Disabled,
    /// The user already had one.
    #[error("the test account was already used")]
    AlreadyUsed,
    /// The user already bought a plan.
    #[error("customers who bought a plan cannot take a test account")]
    AlreadyCustomer,
}

/// Decides whether a user may take a test account now.
pub fn test_eligibility(
    policy: TestPolicy,
    had_test: bool,
    has_bought: bool,
) -> Result<(), TestRefusal> {
    if !policy.enabled {
        return Err(TestRefusal::Disabled);
    }
    if had_test {
        return Err(TestRefusal::AlreadyUsed);
    }
    if has_bought && policy.refuse_after_purchase {
        return Err(TestRefusal::AlreadyCustomer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        enabled: bool,
        refuse_after_purchase: bool,
        had_test: bool,
        has_bought: bool,
        expected: Result<(), TestRefusal>,
    ) {
        let policy = TestPolicy {
            enabled,
            refuse_after_purchase,
        };
        assert_eq!(
            test_eligibility(policy, had_test, has_bought),
            expected,
            "{policy:?} {had_test} {has_bought}"
        );
    }

    #[test]
    fn every_combination() {
        use TestRefusal::*;
        for refuse in [false, true] {
            for had_test in [false, true] {
                for bought in [false, true] {
                    check(false, refuse, had_test, bought, Err(Disabled));
                }
            }
        }
        check(true, false, false, false, Ok(()));
        check(true, false, false, true, Ok(()));
        check(true, false, true, false, Err(AlreadyUsed));
        check(true, false, true, true, Err(AlreadyUsed));
        check(true, true, false, false, Ok(()));
        check(true, true, false, true, Err(AlreadyCustomer));
        check(true, true, true, false, Err(AlreadyUsed));
        check(true, true, true, true, Err(AlreadyUsed));
    }
}
