package com.todo.task.infrastructure.persistence;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Applies the versioned migrations {@code db/migration/V<n>__<name>.sql} named in {@code
 * db/migration/index.txt}, in order, each once, recorded in {@code schema_migrations}. All of it
 * runs in one transaction under an advisory lock, so replicas starting together do not race and a
 * failed migration leaves nothing half-applied. Never drops anything.
 */
@ApplicationScoped
public class SchemaMigrations {

  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());
  static final String INDEX = "/db/migration/index.txt";
  private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  /** Key of the advisory lock held while migrating (distinct from the per-user locks). */
  private static final long LOCK_KEY = 0x7461736b5f6d6967L; // "task_mig"

  /** One migration file. */
  public record Migration(int version, String name, String sql, String checksum) {}

  @Resource(lookup = "jdbc/tasks")
  DataSource dataSource;

  private volatile boolean done;

  /** True once the schema is at the newest version. */
  public boolean isDone() {
    return done;
  }

  /**
   * Brings the schema up to date.
   *
   * @return the versions applied now (empty when it was up to date)
   */
  public synchronized List<Integer> migrate() {
    List<Migration> migrations = load();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Integer> applied = migrate(c, migrations);
        c.commit();
        done = true;
        return applied;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DatabaseException("schema migration failed: " + e.getMessage(), e);
    }
  }

  private static List<Integer> migrate(Connection c, List<Migration> migrations)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
              + " name text NOT NULL, checksum text NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
    }
    Map<Integer, String> applied = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_migrations")) {
      while (rs.next()) applied.put(rs.getInt(1), rs.getString(2));
    }
    List<Integer> now = new ArrayList<>();
    for (Migration m : migrations) {
      String checksum = applied.get(m.version());
      if (checksum != null) {
        if (!checksum.equals(m.checksum())) {
          LOG.warning(
              "migration V"
                  + m.version()
                  + "__"
                  + m.name()
                  + " changed after it was applied;"
                  + " add a new migration instead of editing an applied one");
        }
        continue;
      }
      try (Statement s = c.createStatement()) {
        s.execute(m.sql());
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)")) {
        s.setInt(1, m.version());
        s.setString(2, m.name());
        s.setString(3, m.checksum());
        s.executeUpdate();
      }
      LOG.info("applied migration V" + m.version() + "__" + m.name());
      now.add(m.version());
    }
    return now;
  }

  /** The migrations named in the index, checked to be numbered 1, 2, 3, ... */
  static List<Migration> load() {
    List<Migration> migrations = new ArrayList<>();
    for (String line : read(INDEX).split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) continue;
      Matcher m = FILE.matcher(file);
      if (!m.matches()) throw new IllegalStateException("not a migration file name: " + file);
      int version = Integer.parseInt(m.group(1));
      if (version != migrations.size() + 1) {
        throw new IllegalStateException("migration " + file + " is out of order in " + INDEX);
      }
      String sql = read("/db/migration/" + file);
      migrations.add(new Migration(version, m.group(2), sql, sha256(sql)));
    }
    return migrations;
  }

  private static String read(String resource) {
    try (InputStream in = SchemaMigrations.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
