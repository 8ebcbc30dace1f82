-- A worker claims the activities it is about to apply until claimed_until (IInboxStore.ClaimDueAsync); a claim that
-- is not finished in time (a killed process) lapses and the activities return to the queue.
ALTER TABLE inbox ADD COLUMN claimed_until TEXT;
