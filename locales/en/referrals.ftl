## Referrals: the invite screen, rewards, and the admin's referral screens (issue 20).
