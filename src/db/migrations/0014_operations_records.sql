-- Vendors, risks, incidents, assessments, business continuity and Attest's own backups are
-- mirrored into the inventory (built-in sources, src/integrations/operations.ts), so their
-- checks judge them like any other record. Their tables follow in 0015–0019.
ALTER TABLE inventory_records DROP CONSTRAINT inventory_records_type_check;
ALTER TABLE inventory_records ADD CONSTRAINT inventory_records_type_check
  CHECK (type IN ('account', 'person', 'device', 'cloud_resource', 'finding', 'endpoint', 'database', 'system',
                  'vendor', 'risk', 'risk_assessment', 'incident', 'assessment', 'dr_exercise', 'backup'));
