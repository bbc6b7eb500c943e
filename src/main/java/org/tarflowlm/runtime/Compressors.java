package org.tarflowlm.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bits per character of the classic compressors on the same normalized text (8 * compressed
 * bytes / characters), the figures a language model should beat. Runs the system's xz and gzip.
 */
public final class Compressors {
  private Compressors() {}

  public static double xzBitsPerChar(String text) throws IOException {
    return run(text, "xz", "-9", "-c");
  }

  public static double gzipBitsPerChar(String text) throws IOException {
    return run(text, "gzip", "-9", "-c");
  }

  private static double run(String text, String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] input = text.getBytes(StandardCharsets.US_ASCII);
    Thread writer = new Thread(() -> {
      try (OutputStream out = p.getOutputStream()) {
        out.write(input);
      } catch (IOException ignored) {
        // the reader below reports the failure
      }
    });
    writer.start();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(compressed);
    }
    try {
      writer.join();
      if (p.waitFor() != 0) {
        throw new IOException(command[0] + " failed with exit code " + p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(command[0] + " interrupted", e);
    }
    return 8.0 * compressed.size() / text.length();
  }
}
