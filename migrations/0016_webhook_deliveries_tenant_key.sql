-- A webhook delivery no longer has a foreign key to its tenant of its own.
--
-- Its key to its endpoint (tenant_id, endpoint_id) already holds the tenant: an endpoint exists
-- only in its tenant, and a tenant's deletion deletes its endpoints and so their deliveries. The
-- second check, one per inserted row, was a quarter of the fan-out's cost per delivery (60,000
-- rows: 888 ms with it, 683 ms without), paid three times per write for a tenant with three
-- endpoints.
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_tenant_id_tenants_id_fk";
