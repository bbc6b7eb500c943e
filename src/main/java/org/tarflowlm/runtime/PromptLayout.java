package org.tarflowlm.runtime;

/**
 * How a prompt and its continuation lay out in whole patches of P characters: the prompt is
 * left-padded with spaces to a multiple of P (so that its last character ends a patch), and the
 * continuation is rounded up to whole patches. The one home of that rule, for generation and for
 * the check that a prompt fits.
 *
 * @param prompt the normalized prompt, left-padded
 * @param total characters laid out: the padded prompt and the continuation's whole patches
 */
record PromptLayout(String prompt, int total) {

  static PromptLayout of(String normalizedPrompt, int length, int patch) {
    String padded = normalizedPrompt.isEmpty() ? ""
        : " ".repeat((patch - normalizedPrompt.length() % patch) % patch) + normalizedPrompt;
    return new PromptLayout(padded, padded.length() + continuation(length, patch));
  }

  /** The continuation's characters in whole patches. */
  private static int continuation(int length, int patch) {
    return (length + patch - 1) / patch * patch;
  }

  /**
   * The longest end of a normalized prompt whose layout fits a context of {@code seqLen} with
   * {@code length} characters after it, as a playground keeps the latest text.
   */
  static String fit(String normalizedPrompt, int length, int patch, int seqLen) {
    int room = seqLen - continuation(length, patch);
    if (room <= 0) {
      throw new IllegalArgumentException("length " + length + " leaves no room for a prompt in the model's context of "
          + seqLen + " characters");
    }
    int keep = Math.min(normalizedPrompt.length(), room / patch * patch);
    return normalizedPrompt.substring(normalizedPrompt.length() - keep);
  }
}
