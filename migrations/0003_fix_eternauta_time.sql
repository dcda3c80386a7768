-- Netflix's Q2 2025 earnings interview, where the El Eternauta shot was disclosed, began at
-- 1:45 p.m. Pacific (4:45 p.m. Eastern) on 17 July 2025; the seed said 15:45, which put the
-- first reactions before the moment. Only the seeded row, and only if nobody changed its time.
UPDATE "announcements" SET "time" = '13:45:00'
WHERE "title" = 'Netflix says generative AI made a building-collapse shot in El Eternauta' AND "date" = '2025-07-17' AND "time" = '15:45:00';
