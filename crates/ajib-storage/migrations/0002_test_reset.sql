-- An operator can give a user another free test ("reset test" in the admin menu).
-- The old test order stays for the record, stamped with when it was released,
-- and no longer counts against the one-test-per-user rule.
ALTER TABLE orders ADD COLUMN test_reset_at INTEGER CHECK (test_reset_at IS NULL OR kind = 'test');
DROP INDEX orders_one_test_per_user;
-- One live test account per Telegram user, whatever happens to it.
CREATE UNIQUE INDEX orders_one_test_per_user ON orders (user_id) WHERE kind = 'test' AND test_reset_at IS NULL;
