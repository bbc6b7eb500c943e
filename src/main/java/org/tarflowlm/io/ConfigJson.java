package org.tarflowlm.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the JSON files of a model folder and a training run, with errors that name the file. */
public final class ConfigJson {
  /**
   * One Gson for every file: pretty, and without HTML escaping so that files stay readable. A
   * layer's input may be absent (it then reads the latents), but a misspelt enum value is an
   * error: Gson alone would read it as absent and train a different model than the file asks for.
   */
  public static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues()
      .registerTypeAdapterFactory(StrictEnumAdapter.FACTORY)
      .create();

  /** Configs are a few kilobytes, so a larger file is refused before it is read into memory. */
  public static final long MAX_BYTES = 1 << 20;

  private ConfigJson() {}

  /** Parses {@code file} as a {@code type}; a missing, unparsable or invalid file is a ModelFormatException. */
  public static <T> T read(Path file, Class<T> type) throws IOException {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new ModelFormatException(file, "file is " + size + " bytes, more than the " + MAX_BYTES
            + " a config may have");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file, "file not found");
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(file, "not UTF-8 text (is it a binary file?)");
    }
    try {
      T value = GSON.fromJson(text, type);
      if (value == null) {
        throw new ModelFormatException(file, "file is empty");
      }
      return value;
    } catch (RuntimeException e) {
      throw new ModelFormatException(file + ": " + problem(e, type), e);
    }
  }

  private static String problem(RuntimeException e, Class<?> type) {
    if (JsonErrors.isSyntax(e)) {
      return "not well-formed JSON" + JsonErrors.where(e);
    }
    // Gson wraps what a record's constructor refused; the innermost message says what is wrong
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof NumberFormatException) {
      return "a number in it is malformed" + JsonErrors.where(e);
    }
    return "not a valid " + type.getSimpleName() + ": " + JsonErrors.inWords(cause.getMessage());
  }

  /** Writes {@code value} as JSON atomically (temporary file, fsync, rename). */
  public static void write(Path file, Object value) throws IOException {
    AtomicFiles.writeString(file, GSON.toJson(value) + "\n");
  }
}
