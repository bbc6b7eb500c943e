package org.tarflowlm.io;

import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gson's errors in words for a user: its messages name its own exception classes and token types
 * and advise calls to its API, so readers say only what is wrong and where.
 */
public final class JsonErrors {
  private static final Pattern WHERE = Pattern.compile("line (\\d+) column (\\d+)");

  private JsonErrors() {}

  /** Whether the text is not JSON at all (rather than JSON of the wrong shape). */
  public static boolean isSyntax(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MalformedJsonException || t instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /** Where the error is, as {@code " (line 3, column 14)"}, or {@code ""} when Gson does not say. */
  public static String where(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = WHERE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return " (line " + m.group(1) + ", column " + m.group(2) + ")";
      }
    }
    return "";
  }
}
