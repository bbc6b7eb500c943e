package org.tarflowlm.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tarflowlm.io.AtomicFiles;
import org.tarflowlm.io.JsonErrors;

/** Reads and writes {@link Run}s: JSON files the explorer opens again to replay a run in every view. */
public final class RunFiles {
  public static final String FORMAT = "tarflowlm-run/3";
  /** The format before one run value held every view's content. */
  static final String FORMAT_2 = "tarflowlm-run/2";
  /** Runs are kilobytes to a few megabytes, so a larger file is refused before it is read into memory. */
  public static final long MAX_BYTES = 256L << 20;
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private RunFiles() {}

  /** Writes atomically (temporary file, then rename). */
  public static void save(Run run, Path file) throws IOException {
    AtomicFiles.writeString(file, GSON.toJson(new Saved(FORMAT, run)));
  }

  /** Reads a run file; anything that is not a complete run of this format is refused with the reason. */
  public static Run load(Path file) throws IOException {
    Saved saved;
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file.getFileName() + " is not a run file: it is " + Files.size(file) + " bytes, more than the "
          + MAX_BYTES + " a run file may have");
    }
    try {
      saved = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Saved.class);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(file.getFileName() + " is not a run file: it is not UTF-8 text", e);
    } catch (RuntimeException e) { // Gson wraps a record constructor's refusal in a bare RuntimeException
      throw new IOException(file.getFileName() + " is not a run file: " + reason(e), e);
    }
    if (saved != null && FORMAT_2.equals(saved.format())) {
      throw new IOException(file.getFileName() + " was saved by an earlier version of the explorer (" + FORMAT_2
          + "); this version opens " + FORMAT + " files: generate or trace the run again and save it");
    }
    if (saved == null || !FORMAT.equals(saved.format()) || saved.run() == null) {
      throw new IOException(file.getFileName() + " is not a run file of format " + FORMAT);
    }
    Run run = saved.run();
    if (run.trace() != null) {
      String problem = problem(run.trace());
      if (problem != null) {
        throw new IOException(file.getFileName() + " holds an incomplete trace: " + problem);
      }
      if (!run.trace().scored().startsWith(run.text())) {
        throw new IOException(file.getFileName() + " holds a trace of another text than its run's");
      }
    }
    Run.Generation g = run.generation();
    // the generation views replay a generation from its settings, every pass's text and its layout
    if (g != null && (g.request() == null || g.result() == null || g.result().passes() == null || g.layout() == null
        || g.result().passes().stream().anyMatch(p -> p == null || p.text() == null))) {
      throw new IOException(file.getFileName()
          + " holds an incomplete generation (no settings, no layout, or a pass missing)");
    }
    return run;
  }

  /** A run file's content: the format tag, then the run. */
  private record Saved(String format, Run run) {}

  /**
   * What is missing or mismatched in a trace, in words; null when every array the views draw has
   * its length: one entry per character (T) or per position (T / P), a layer's rows for each layer.
   */
  static String problem(ForwardTrace t) {
    if (t.text() == null || t.scored() == null || t.states() == null || t.states().size() < 2) {
      return "its text or its layers are missing";
    }
    int chars = t.scored().length();
    int layers = t.states().size() - 1;
    if (t.patchSize() < 1 || chars % t.patchSize() != 0) {
      return "its patch size " + t.patchSize() + " does not divide its " + chars + " characters";
    }
    int positions = chars / t.patchSize();
    if (!rows(t.layerBits(), layers, chars) || !length(t.decoderBits(), chars) || !length(t.baseBits(), chars)
        || !length(t.totalBits(), chars) || !rows(t.nextCharProbs(), chars, -1)) {
      return "its bits do not have one entry per character and layer";
    }
    for (LayerTrace s : t.states()) {
      if (s == null || s.decoded() == null || s.decoded().length() != chars || !rows(s.latents(), chars, -1)
          || !length(s.confidence(), chars) || s.index() > 0 && (!length(s.logDet(), chars)
              || !rows(s.input(), positions, -1) || !rows(s.output(), positions, -1)
              || s.params() == null || s.params().values().stream().anyMatch(v -> !rows(v, positions, -1)))) {
        return "a layer's arrays do not match its " + chars + " characters";
      }
    }
    return null;
  }

  private static boolean length(float[] a, int n) {
    return a != null && a.length == n;
  }

  /** n non-null rows, each of length m (any one length, the same for all, when m < 0). */
  private static boolean rows(float[][] a, int n, int m) {
    if (a == null || a.length != n) {
      return false;
    }
    for (float[] row : a) {
      if (row == null || row.length != (m >= 0 ? m : a[0].length)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What is wrong with the JSON, in words: Gson's message names its own token types and links to
   * its troubleshooting page, a bad number surfaces as "For input string", and a value a record
   * refuses as the constructor call that failed.
   */
  private static String reason(RuntimeException e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    String where = JsonErrors.where(e);
    if (cause instanceof NumberFormatException) {
      return "a number in it is malformed" + where;
    }
    if (JsonErrors.isSyntax(e)) {
      return "it is not well-formed JSON" + where;
    }
    if (cause instanceof IllegalArgumentException) {
      return "a value in it is out of range: " + cause.getMessage();
    }
    return "its JSON does not have the shape of a run" + where;
  }
}
