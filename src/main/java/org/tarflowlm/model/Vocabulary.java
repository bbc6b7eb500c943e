package org.tarflowlm.model;

/**
 * The text8-style character vocabulary: id 0 is space, ids 1..26 are 'a'..'z'.
 *
 * <p>Text is normalized before encoding: lowercase, every character outside a..z becomes a space,
 * and runs of spaces collapse to one. {@link #normalize} is the one place that rule lives.
 */
public final class Vocabulary {
  /** Number of symbols, V. */
  public static final int SIZE = 27;

  private Vocabulary() {}

  /** Folds accents, lowercases, maps everything outside a..z to space and collapses runs of spaces. */
  public static String normalize(CharSequence raw) {
    // Accented letters fold to their base letter (café -> cafe) rather than becoming a space:
    // NFD splits é into e and a combining accent, and the accents (marks, \p{M}) are dropped.
    String text = java.text.Normalizer.normalize(raw, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    StringBuilder out = new StringBuilder(text.length());
    boolean lastSpace = false;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      if (c >= 'a' && c <= 'z') {
        out.append(c);
        lastSpace = false;
      } else if (!lastSpace) {
        out.append(' ');
        lastSpace = true;
      }
    }
    return out.toString();
  }

  /** True when {@code c} is one of the 27 symbols. */
  public static boolean contains(char c) {
    return c == ' ' || (c >= 'a' && c <= 'z');
  }

  /** Id of a symbol; throws for characters outside the vocabulary (normalize first). */
  public static int id(char c) {
    if (c == ' ') {
      return 0;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 1;
    }
    throw new IllegalArgumentException(
        "character '" + c + "' (U+" + String.format("%04X", (int) c) + ") is outside the vocabulary; normalize the text first");
  }

  /** Symbol of an id in [0, 27). */
  public static char symbol(int id) {
    if (id < 0 || id >= SIZE) {
      throw new IllegalArgumentException("token id " + id + " is outside [0, " + SIZE + ")");
    }
    return id == 0 ? ' ' : (char) ('a' + id - 1);
  }

  /** Ids of an already normalized text. */
  public static int[] encode(CharSequence normalized) {
    int[] ids = new int[normalized.length()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id(normalized.charAt(i));
    }
    return ids;
  }

  /** Text of a sequence of ids. */
  public static String decode(int[] ids) {
    StringBuilder out = new StringBuilder(ids.length);
    for (int id : ids) {
      out.append(symbol(id));
    }
    return out.toString();
  }
}
