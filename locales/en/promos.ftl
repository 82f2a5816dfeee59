## Promo codes: entering a code on the plan screen, and the admin's code screens (issue 20).
