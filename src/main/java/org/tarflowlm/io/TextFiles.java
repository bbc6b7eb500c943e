package org.tarflowlm.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a text file that a user named, failing with a sentence rather than the exception's bare path. */
public final class TextFiles {
  private TextFiles() {
  }

  /** The file as UTF-8 text; an {@link IOException} that says what is wrong otherwise. */
  public static String read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a folder, not a text file");
    }
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IOException("there is no file " + file, e);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot read " + file + ": permission denied", e);
    } catch (CharacterCodingException e) {
      throw new IOException(file + " is not UTF-8 text (is it a binary file?)", e);
    }
  }
}
