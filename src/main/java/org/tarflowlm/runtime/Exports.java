package org.tarflowlm.runtime;

import java.io.IOException;
import java.nio.file.Path;
import org.tarflowlm.io.AtomicFiles;

/**
 * How the explorer writes what it exports (a CSV, a PNG): to a temporary file beside the target,
 * moved into place, so a failed write leaves the old file or none, never a truncated or empty one.
 */
public final class Exports {
  private Exports() {}

  public static void write(Path file, byte[] bytes) throws IOException {
    AtomicFiles.write(file, bytes);
  }

  public static void writeString(Path file, String text) throws IOException {
    AtomicFiles.writeString(file, text);
  }
}
