package org.tarflowlm.runtime;

import org.tarflowlm.model.Vocabulary;

/**
 * A user's text and what the model actually reads, so that the UI can show the normalization
 * rather than hide it.
 *
 * @param original as typed
 * @param normalized lowercase a..z and single spaces
 * @param changed whether normalization changed anything
 * @param dropped characters outside the vocabulary that became spaces (or vanished into a run of them)
 */
public record NormalizedText(String original, String normalized, boolean changed, int dropped) {
  public static NormalizedText of(String text) {
    String n = Vocabulary.normalize(text);
    int dropped = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      if (!(c >= 'a' && c <= 'z') && c != ' ') {
        dropped++;
      }
    }
    return new NormalizedText(text, n, !n.equals(text), dropped);
  }

  /**
   * A text already in the model's alphabet, read exactly as it is. A model's own output is one:
   * a model with P > 1 can write a run of spaces, which normalizing would collapse and so shift
   * every later character against its bits.
   *
   * @throws IllegalArgumentException naming the first character outside a..z and space
   */
  public static NormalizedText verbatim(String symbols) {
    for (int i = 0; i < symbols.length(); i++) {
      Vocabulary.id(symbols.charAt(i));
    }
    return new NormalizedText(symbols, symbols, false, 0);
  }
}
