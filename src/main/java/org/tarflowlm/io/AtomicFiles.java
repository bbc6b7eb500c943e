package org.tarflowlm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader (or a crash) sees the old content or the new one, never half of
 * the new one: write a temporary file beside the target, fsync it, rename it over the target.
 *
 * <p>The temporary file is created as any new file is, with the permissions the user's umask
 * gives: {@code Files.createTempFile} makes it owner-only, and every exported CSV, PNG, run file
 * and model card was left unreadable to anyone else.
 */
public final class AtomicFiles {
  /** Names temporary files: CREATE_NEW refuses a name in use, so two writers never share one. */
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
