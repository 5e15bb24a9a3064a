-- The officer an agency head gives an assignment to (the agency still answers for it).
ALTER TABLE assignments ADD COLUMN officer_id BLOB;
