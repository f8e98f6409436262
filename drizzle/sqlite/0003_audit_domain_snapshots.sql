-- Audit snapshots become the domain's product (integer cents, epoch milliseconds, version)
-- instead of the JSON a response shows. Old rows are converted; their version was never
-- recorded, so it reads as 0.
UPDATE `audit_log` SET `before` = json_object(
	'id', json_extract(`before`, '$.id'),
	'title', json_extract(`before`, '$.title'),
	'priceCents', CAST(round(CAST(json_extract(`before`, '$.price') AS REAL) * 100) AS INTEGER),
	'image', json_extract(`before`, '$.image'),
	'createdAt', CAST(round((julianday(json_extract(`before`, '$.createdAt')) - 2440587.5) * 86400000) AS INTEGER),
	'updatedAt', CAST(round((julianday(json_extract(`before`, '$.updatedAt')) - 2440587.5) * 86400000) AS INTEGER),
	'version', 0
) WHERE `before` IS NOT NULL AND json_type(`before`, '$.price') = 'text';--> statement-breakpoint
UPDATE `audit_log` SET `after` = json_object(
	'id', json_extract(`after`, '$.id'),
	'title', json_extract(`after`, '$.title'),
	'priceCents', CAST(round(CAST(json_extract(`after`, '$.price') AS REAL) * 100) AS INTEGER),
	'image', json_extract(`after`, '$.image'),
	'createdAt', CAST(round((julianday(json_extract(`after`, '$.createdAt')) - 2440587.5) * 86400000) AS INTEGER),
	'updatedAt', CAST(round((julianday(json_extract(`after`, '$.updatedAt')) - 2440587.5) * 86400000) AS INTEGER),
	'version', 0
) WHERE `after` IS NOT NULL AND json_type(`after`, '$.price') = 'text';
