-- A complaint's person is referred to a center once: while a referral is pending or accepted,
-- another to the same center is refused (a closed case is reopened instead).
CREATE UNIQUE INDEX referrals_once ON referrals (complaint_id, center_id) WHERE status IN ('pending', 'accepted');
