package org.tarflowlm.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file exists and could be read, but its content is wrong: corrupt, hostile, or not the model the
 * config describes. It is an {@link IOException} so that callers handle it with other "could not load" causes,
 * yet a separate type so that they can tell the user "this file is broken" rather than "the disk failed".
 * The message always names the file and the exact problem.
 */
public class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param file the offending file, named at the start of the message; {@code problem} says what is wrong */
    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
