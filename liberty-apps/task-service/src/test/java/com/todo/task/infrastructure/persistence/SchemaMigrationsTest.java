package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SchemaMigrationsTest {

  @Test
  void theIndexNamesNumberedMigrationsInOrder() {
    List<SchemaMigrations.Migration> migrations = SchemaMigrations.load();
    assertFalse(migrations.isEmpty());
    for (int i = 0; i < migrations.size(); i++) {
      SchemaMigrations.Migration m = migrations.get(i);
      assertEquals(i + 1, m.version());
      assertEquals(64, m.checksum().length());
      String sql = m.sql().toUpperCase(Locale.ROOT);
      assertFalse(sql.contains("DROP TABLE"), "migrations never drop tables: V" + m.version());
      assertFalse(sql.contains("CONCURRENTLY"), "migrations run in one transaction: V" + m.version());
    }
  }

  @Test
  void theFirstMigrationCreatesTheTablesAndSearchIndexes() {
    String sql = SchemaMigrations.load().get(0).sql();
    for (String expected :
        List.of(
            "CREATE TABLE tasks",
            "CREATE TABLE idempotency_keys",
            "CREATE TABLE outbox",
            "USING gin (tags)",
            "USING gin (search)",
            "ON tasks (series_id, occurrence) WHERE series_id IS NOT NULL")) {
      assertTrue(sql.contains(expected), expected);
    }
  }
}
