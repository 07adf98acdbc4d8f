package it.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The processes of this Linux machine as /proc shows them; empty where there is no /proc. */
final class Procs {
  private Procs() {}

  /**
   * One process: its pid, and the fields of /proc/<pid>/stat after the command name (so {@code
   * stat[1]} is the parent's pid, {@code stat[11]} and {@code stat[12]} the user and system clock
   * ticks).
   */
  record Proc(long pid, String[] stat) {
    long ppid() {
      return Long.parseLong(stat[1]);
    }

    /** The command line, arguments separated by spaces; empty once the process has ended. */
    String cmdline() {
      try {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      } catch (IOException | RuntimeException gone) {
        return "";
      }
    }
  }

  /** Every process running now (those that end while they are read are left out). */
  static List<Proc> all() {
    List<Proc> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String stat = Files.readString(p.resolve("stat"));
                  out.add(
                      new Proc(
                          Long.parseLong(p.getFileName().toString()),
                          stat.substring(stat.lastIndexOf(')') + 2).split(" ")));
                } catch (IOException | RuntimeException gone) {
                  // ended meanwhile
                }
              });
    } catch (IOException noProc) {
      return List.of();
    }
    return out;
  }
}
