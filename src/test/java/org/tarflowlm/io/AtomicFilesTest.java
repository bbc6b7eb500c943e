package org.tarflowlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  /** An export was left owner-only (rw-------) where a plain write gives what the umask allows. */
  @Test
  void aWrittenFileHasThePermissionsOfAnyNewFile(@TempDir Path dir) throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path plain = Files.writeString(dir.resolve("plain.csv"), "a");
    Path atomic = dir.resolve("atomic.csv");
    AtomicFiles.writeString(atomic, "a");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
  }

  @Test
  void aRewriteReplacesTheContentAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("card.md");
    AtomicFiles.writeString(file, "first");
    AtomicFiles.writeString(file, "second");
    assertEquals("second", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }
}
