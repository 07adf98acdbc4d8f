package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The migration index, read without a database (SchemaMigrationsIT runs the files). */
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
      assertFalse(
          sql.contains("CONCURRENTLY"), "migrations run in one transaction: V" + m.version());
    }
  }
}
