-- Issue 20, several hosts on one database (docs/scaling.md "Shared queues"): the outbox of
-- texts is claimed by whichever host sends a message, not by the one host holding a lease.
-- claimed_by: the claiming process (store_lease_holder()'s text), '' none; claimed_until: the
-- second the claim runs out, 0 none. A message claimed (store_notify_claim) is taken by no
-- other host until its claim runs out, and its outcome is written only while it is still the
-- claim of the host that sent it.
ALTER TABLE notify_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
