package org.tarflowlm.runtime;

import java.util.List;

/**
 * One run of the explorer, the single value every view draws: built by {@link Runs} for one user
 * action (a generation, or a text typed to trace), never changed afterwards, and saved whole to a
 * run file. Its characters are the ones every view indexes: a selection is a position in
 * {@link #text()}.
 *
 * @param model the folder name of the model it ran on
 * @param config that model's config as JSON, for the record (a replay may name a model not installed)
 * @param text the text exactly as written, or as the model read a typed text (normalized, padded to a
 *     multiple of P); never normalized again
 * @param chars one per character of {@code text}: its bits, whether it was given (a prompt's or a
 *     template's) rather than written, and the model's likeliest characters there
 * @param bitsPerChar the text's bits per character under the model
 * @param baselineBitsPerChar the same under the discrete baseline, NaN where none is installed
 * @param generation how the text was written; null for a typed text
 * @param trace the forward trace of exactly {@code text}; null on the discrete baseline
 * @param roundTrip each layer's round-trip error on that trace; null without a trace
 * @param retracedFrom the model whose run's text this is, traced again when that model was closed
 *     for this one; empty otherwise
 */
public record Run(String model, String config, String text, List<ScoredChar> chars, double bitsPerChar,
    double baselineBitsPerChar, Generation generation, ForwardTrace trace, double[] roundTrip, String retracedFrom) {
  public Run {
    if (model == null || text == null || chars == null || chars.size() != text.length()) {
      throw new IllegalArgumentException("a run needs its model, its text and one scored character per character");
    }
    for (int i = 0; i < text.length(); i++) {
      if (chars.get(i) == null || chars.get(i).ch() != text.charAt(i)) {
        throw new IllegalArgumentException("character " + i + " of a run is not its text's");
      }
    }
    chars = List.copyOf(chars); // no nulls: each was checked above
    config = config == null ? "" : config;
    retracedFrom = retracedFrom == null ? "" : retracedFrom;
  }

  /** Whether character {@code i} was given (a prompt's or a template's) rather than written. */
  public boolean fixed(int i) {
    return chars.get(i).fixed();
  }

  /** One character of the run's text. */
  public record ScoredChar(char ch, double bits, boolean fixed, List<String> alternatives) {
    public ScoredChar {
      alternatives = alternatives == null ? List.of() : List.copyOf(noNulls(alternatives, "a likely character"));
    }
  }

  /** A list read from a file may hold nulls, which List.copyOf refuses with a bare NullPointerException. */
  private static <T> List<T> noNulls(List<T> list, String what) {
    if (list.stream().anyMatch(java.util.Objects::isNull)) { // List.of's contains(null) throws
      throw new IllegalArgumentException(what + " of the run is missing");
    }
    return list;
  }

  /**
   * How a run's text was written, everything the generation views replay: the settings, the layout,
   * the noise it started from, every pass's text, and what each pass wrote in its order.
   *
   * @param request the settings (for a template the prompt is the template as typed, blanks as _)
   * @param result the generation: the text after every pass, iterations, time
   * @param layout what was to be written: its fixed characters and a space at every blank
   * @param noise the text the starting noise decoded to before the first pass (empty on the baseline)
   * @param writes per pass, the positions it wrote in its order (empty for a Jacobi pass)
   * @param sweeps per pass, its Jacobi sweeps (empty in sequential decoding)
   * @param rightToLeft per layer (1-based; index 0 unused), whether it runs right to left
   */
  public record Generation(GenerationRequest request, GenerationResult result, Template layout, String noise,
      List<List<Write>> writes, List<List<SweepResult>> sweeps, boolean[] rightToLeft) {
    public Generation {
      writes = writes == null ? List.of()
          : noNulls(writes, "a pass's writes").stream().map(w -> List.copyOf(noNulls(w, "a write"))).toList();
      sweeps = sweeps == null ? List.of()
          : noNulls(sweeps, "a pass's sweeps").stream().map(w -> List.copyOf(noNulls(w, "a sweep"))).toList();
      noise = noise == null ? "" : noise;
      rightToLeft = rightToLeft == null ? new boolean[0] : rightToLeft;
    }

    /** Whether the generation filled a template's blanks rather than continued a prompt. */
    public boolean isInfill() {
      return request.prompt().indexOf(Template.BLANK) >= 0;
    }

    /** The passes, in order. */
    public List<PassResult> passes() {
      return result.passes();
    }
  }

  /** One position a pass wrote: its first character and the characters it decodes to. */
  public record Write(int position, String chars) {}
}
