package org.tarflowlm.runtime;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes {@link RunRecord}s: JSON trace files the explorer can open again to replay a run. */
public final class RunFiles {
  public static final String FORMAT = "tarflowlm-run/1";
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private RunFiles() {}

  /** Writes atomically (temporary file, then rename). */
  public static void save(RunRecord run, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, GSON.toJson(run), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a run file; anything that is not a complete run of this format is refused with the reason. */
  public static RunRecord load(Path file) throws IOException {
    RunRecord run;
    try {
      run = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), RunRecord.class);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file.getFileName() + " is not a run file: " + e.getMessage(), e);
    }
    if (run == null || !FORMAT.equals(run.format())) {
      throw new IOException(file.getFileName() + " is not a run file of format " + FORMAT);
    }
    if (run.trace() != null) {
      ForwardTrace t = run.trace();
      if (t.states() == null || t.states().isEmpty() || t.totalBits() == null || t.scored() == null
          || t.states().stream().anyMatch(s -> s.latents() == null || s.decoded() == null
              || s.latents().length != t.scored().length() || s.decoded().length() != t.scored().length())) {
        throw new IOException(file.getFileName() + " holds an incomplete trace (missing or mismatched layers)");
      }
    }
    if (run.generation() == null) {
      throw new IOException(file.getFileName() + " holds no generation list");
    }
    return run;
  }
}
