package org.tarflowlm.io;

import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gson's errors in words for a user: its messages name its own exception classes and token types
 * and advise calls to its API, so readers say only what is wrong and where.
 */
public final class JsonErrors {
  private static final Pattern WHERE = Pattern.compile("line (\\d+) column (\\d+)");
  private static final Pattern LOCATION = Pattern.compile(" at line (\\d+) column (\\d+) path (\\S+)$");
  private static final Pattern EXPECTED = Pattern.compile("Expected (.+?) but was (.+?)( at line .*)?");
  private static final Map<String, String> TOKENS = Map.of("BEGIN_OBJECT", "an object", "END_OBJECT",
      "the end of an object", "BEGIN_ARRAY", "a list", "END_ARRAY", "the end of a list", "END_DOCUMENT",
      "the end of the file", "NAME", "a name", "STRING", "a string", "NUMBER", "a number", "BOOLEAN",
      "true or false", "NULL", "null");

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

  /**
   * A message of Gson's such as {@code Expected BEGIN_OBJECT but was STRING at line 1 column 9 path
   * $.model} (and a link to its troubleshooting page) as {@code expected an object but was a string
   * at $.model (line 1, column 9)}.
   */
  public static String inWords(String gsonMessage) {
    String line = String.valueOf(gsonMessage).lines().findFirst().orElse("");
    Matcher e = EXPECTED.matcher(line);
    if (e.matches()) {
      line = "expected " + TOKENS.getOrDefault(e.group(1), e.group(1)) + " but was "
          + TOKENS.getOrDefault(e.group(2), e.group(2)) + (e.group(3) == null ? "" : e.group(3));
    }
    Matcher m = LOCATION.matcher(line);
    if (m.find()) {
      line = line.substring(0, m.start()) + " at " + m.group(3) + " (line " + m.group(1) + ", column " + m.group(2) + ")";
    }
    return line;
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
