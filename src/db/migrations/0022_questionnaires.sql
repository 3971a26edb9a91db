-- Placeholder: written with its area.
SELECT 1;
