package org.tarflowlm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tarflowlm.io.ModelFormatException;

/** What the fuzz targets accept of a reader: it loads the file, or refuses it in our own words. */
final class FileOracle {
  /**
   * Heap a reader may allocate for one file: a fixed allowance (buffers, the model's loaded
   * weights) plus a JSON tree's worth per byte. Past that, the reader believed a size the file
   * claims instead of the bytes it has.
   */
  static final long FIXED_BYTES = 32L << 20;
  static final long BYTES_PER_INPUT_BYTE = 64;

  /** What a library's or the JVM's message shows, and ours do not. */
  private static final List<String> JARGON = List.of("java.", "com.google", "Exception", "For input string",
      "BEGIN_", "END_", "Strictness", "https://");

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private FileOracle() {}

  /** Writes {@code input} to {@code file} and reads it; any other outcome than loading or our refusal throws. */
  static void loadsOrIsRefused(Path file, byte[] input, FileReadersFuzzTest.Reader reader) {
    try {
      Files.write(file, input);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the fuzz input to " + file, e);
    }
    long limit = FIXED_BYTES + BYTES_PER_INPUT_BYTE * input.length;
    Outcome outcome = read(file, reader);
    if (outcome.allocated() > limit) {
      // the first read through a path loads (and under Jazzer, instruments) its classes: count a second one
      outcome = read(file, reader);
    }
    if (outcome.allocated() > limit) {
      throw new AssertionError("reading a file of " + input.length + " bytes allocated " + outcome.allocated()
          + " bytes", outcome.refusal());
    }
    if (outcome.refusal() != null) {
      requireOurRefusal(file, outcome.refusal());
    }
  }

  private record Outcome(IOException refusal, long allocated) {}

  private static Outcome read(Path file, FileReadersFuzzTest.Reader reader) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    IOException refusal = null;
    try {
      reader.read(file);
    } catch (IOException e) {
      refusal = e;
    }
    return new Outcome(refusal, THREADS.getCurrentThreadAllocatedBytes() - before);
  }

  /**
   * Ours: a {@link ModelFormatException} or a plain {@link IOException} (the JDK's are subclasses,
   * and name at most a path), whose message names the file and says in words what is wrong,
   * rather than passing on a library's message; and not a catch-all's wrapping of a bug the
   * file provoked (a null nobody checked, a bad cast or index).
   */
  private static void requireOurRefusal(Path file, IOException e) {
    String message = String.valueOf(e.getMessage());
    String name = file.getFileName().toString();
    // what the message quotes of the file may say anything
    String problem = message.replace(file.toString(), "").replace(name, "")
        .replaceAll("'[^']*'|\"[^\"]*\"", "''");
    boolean ours = e.getClass() == ModelFormatException.class || e.getClass() == IOException.class;
    boolean inWords = problem.matches("(?s).*[a-z]{2,}\\W+[a-z]{2,}.*")
        && JARGON.stream().noneMatch(problem::contains);
    if (!ours || !message.contains(name) || !inWords || provokedBug(e)) {
      throw new AssertionError("not our refusal naming " + name + " and its problem: " + e, e);
    }
  }

  private static boolean provokedBug(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NullPointerException || t instanceof ClassCastException || t instanceof IndexOutOfBoundsException
          || t instanceof ArithmeticException || t instanceof NegativeArraySizeException
          || t instanceof UnsupportedOperationException) {
        return true;
      }
    }
    return false;
  }
}
