package org.tarflowlm.runtime;

import org.tarflowlm.model.Vocabulary;

/**
 * What a generation writes: a text in the model's alphabet in which some characters are fixed and
 * the rest are blanks to fill. A prompt is the template whose blanks all come after it; infill puts
 * them anywhere ({@code "the ____ of the union"}: every {@code _} is a blank).
 *
 * @param text the fixed characters, and a space at every blank
 * @param fixed whether each character is fixed
 */
public record Template(String text, boolean[] fixed) {
  /** The character that marks a blank in a typed template. */
  public static final char BLANK = '_';

  public Template {
    if (text.length() != fixed.length) {
      throw new IllegalArgumentException("a template needs one fixed flag per character");
    }
  }

  /** A prompt (normalized already) and {@code length} blanks after it. */
  public static Template continuation(String prompt, int length) {
    boolean[] fixed = new boolean[prompt.length() + length];
    java.util.Arrays.fill(fixed, 0, prompt.length(), true);
    return new Template(prompt + " ".repeat(length), fixed);
  }

  /**
   * A typed template: every {@code _} is a blank, and the text between blanks is normalized as any
   * text is (so {@code "The ___ Union"} fixes "the ", three blanks, " union").
   */
  public static Template parse(String typed) {
    StringBuilder text = new StringBuilder();
    StringBuilder flags = new StringBuilder();
    int i = 0;
    while (i < typed.length()) {
      int j = i;
      if (typed.charAt(i) == BLANK) {
        while (j < typed.length() && typed.charAt(j) == BLANK) {
          j++;
        }
        text.append(" ".repeat(j - i));
        flags.append("_".repeat(j - i));
      } else {
        while (j < typed.length() && typed.charAt(j) != BLANK) {
          j++;
        }
        String part = Vocabulary.normalize(typed.substring(i, j));
        text.append(part);
        flags.append("x".repeat(part.length()));
      }
      i = j;
    }
    boolean[] fixed = new boolean[text.length()];
    int blanks = 0;
    for (int k = 0; k < fixed.length; k++) {
      fixed[k] = flags.charAt(k) == 'x';
      blanks += fixed[k] ? 0 : 1;
    }
    if (blanks == 0) {
      throw new IllegalArgumentException("the template has no blanks: mark each character to write with " + BLANK
          + ", e.g. \"the ____ of the union\"");
    }
    return new Template(text.toString(), fixed);
  }

  /**
   * Refuses a template that a model of patch size {@code p} cannot fill as typed: it writes a patch
   * with a blank whole, so a fixed character sharing a patch with a blank would be overwritten.
   */
  public void requireWholePatches(int p) {
    for (int start = 0; start < length(); start += p) {
      int end = Math.min(length(), start + p);
      int blanks = 0;
      for (int i = start; i < end; i++) {
        blanks += fixed[i] ? 0 : 1;
      }
      if (blanks > 0 && blanks < end - start) {
        throw new IllegalArgumentException(String.format("this model writes %d characters at a time, so a blank must "
            + "cover whole groups of %d from the start: characters %d-%d (\"%s\") mix fixed text and blanks",
            p, p, start + 1, end, typed().substring(start, end)));
      }
    }
  }

  public int length() {
    return text.length();
  }

  public int blanks() {
    int n = 0;
    for (boolean f : fixed) {
      n += f ? 0 : 1;
    }
    return n;
  }

  /** The template as typed: its fixed characters, and {@code _} at every blank. */
  public String typed() {
    StringBuilder sb = new StringBuilder(text);
    for (int i = 0; i < fixed.length; i++) {
      if (!fixed[i]) {
        sb.setCharAt(i, BLANK);
      }
    }
    return sb.toString();
  }
}
