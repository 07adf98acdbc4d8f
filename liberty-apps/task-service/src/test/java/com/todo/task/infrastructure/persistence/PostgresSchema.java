package com.todo.task.infrastructure.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A schema of its own in the platform's PostgreSQL (database {@code todo}, port {@code
 * TODO_PG_PORT}), dropped on close: the persistence ITs run the service's real statements there
 * without touching the tables the running task-service uses.
 */
public final class PostgresSchema implements AutoCloseable {

  private final String name = "it_" + UUID.randomUUID().toString().replace("-", "");
  private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

  public PostgresSchema() {
    dataSource.setServerNames(new String[] {"127.0.0.1"});
    dataSource.setPortNumbers(
        new int[] {Integer.parseInt(System.getenv().getOrDefault("TODO_PG_PORT", "5432"))});
    dataSource.setDatabaseName("todo");
    dataSource.setUser("todo");
    dataSource.setPassword("todo");
    execute("CREATE SCHEMA " + name);
    // every connection of the data source sees this schema only (search_path)
    dataSource.setCurrentSchema(name);
  }

  /** A fresh schema with every migration applied. */
  public static PostgresSchema migrated() {
    PostgresSchema schema = new PostgresSchema();
    schema.migrations().migrate();
    return schema;
  }

  public String name() {
    return name;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** A migrator on this schema, as a replica of the service would run it. */
  public SchemaMigrations migrations() {
    SchemaMigrations m = new SchemaMigrations();
    m.dataSource = dataSource;
    return m;
  }

  public JdbcTransactions transactions() {
    JdbcTransactions t = new JdbcTransactions();
    t.dataSource = dataSource;
    return t;
  }

  public static List<SchemaMigrations.Migration> migrationFiles() {
    return SchemaMigrations.load();
  }

  /** Runs statements in this schema (or, before it exists, in the default one). */
  public void execute(String... sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : sql) s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException("in schema " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    execute("DROP SCHEMA " + name + " CASCADE");
  }
}
