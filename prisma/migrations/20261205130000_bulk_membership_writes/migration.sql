-- Memberships are written a million at a time (one row per member a network accepted). Their
-- foreign keys checked and locked the customer and the audience once per row, and the customer
-- index existed for the cascade: together they tripled the cost of each write. paidsync never
-- deletes customers or audiences; if an operator does, one statement per deleting statement removes
-- their memberships, as the cascade did.

-- DropForeignKey
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_audience_id_fkey";

-- DropForeignKey
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_customer_id_fkey";

-- DropIndex
DROP INDEX "memberships_customer_id_idx";

CREATE FUNCTION memberships_of_deleted_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM memberships m USING deleted d WHERE m.customer_id = d.id;
  RETURN NULL;
END $$;

CREATE TRIGGER customers_delete_memberships AFTER DELETE ON customers
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION memberships_of_deleted_customers();

CREATE FUNCTION memberships_of_deleted_audiences() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM memberships m USING deleted d WHERE m.audience_id = d.id;
  RETURN NULL;
END $$;

CREATE TRIGGER audiences_delete_memberships AFTER DELETE ON audiences
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION memberships_of_deleted_audiences();
