-- Where a staff member gets notices by mail (optional; without it, notices stay in the portal and
-- the mail sink).
ALTER TABLE users ADD COLUMN email TEXT;
