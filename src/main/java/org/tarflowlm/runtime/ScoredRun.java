package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.Vocabulary;

/**
 * A generation as the explorer shows it: the text written for a prompt or a template, every
 * character with its bits and the model's five most likely characters there, the bits per
 * character, and the baseline's on the same text. Built here so that the views only draw it.
 *
 * @param result the generation, a template's as a generation whose continuation is its blanks
 * @param chars every character of the text, fixed (prompt or template) or written
 * @param bitsPerChar the text's bits per character under the model
 * @param baselineBitsPerChar the same under the baseline, NaN without one
 */
public record ScoredRun(GenerationResult result, List<RunRecord.ScoredChar> chars, double bitsPerChar,
    double baselineBitsPerChar) {
  /** How many likely characters each position lists. */
  public static final int ALTERNATIVES = 5;

  /**
   * Writes a prompt's continuation, or a template's blanks when {@code template} is not null, and
   * scores the text as written (never normalized again: a padded prompt's spaces stay).
   *
   * @param baseline the discrete baseline to score the text with too, or null
   */
  public static ScoredRun write(ModelRuntime rt, GenerationRequest req, Template template, ModelRuntime baseline,
      GenerationListener listener, BooleanSupplier cancelled) {
    GenerationResult r = generation(rt, req, template, listener, cancelled);
    boolean[] fixed;
    if (template != null) {
      fixed = template.fixed();
    } else {
      fixed = new boolean[r.text().length()];
      Arrays.fill(fixed, 0, r.prompt().length(), true);
    }
    NormalizedText written = NormalizedText.verbatim(r.text());
    float[] bits;
    float[][] next = null;
    double bpc;
    if (rt.isBaseline()) {
      TextBits tb = rt.bitsPerChar(written, 1, 1);
      bits = tb.perChar();
      bpc = tb.bitsPerChar();
    } else {
      ForwardTrace t = rt.trace(written, 1); // one trace gives the bits and the next-character weights
      bits = t.totalBits();
      next = t.nextCharProbs();
      bpc = t.bitsPerChar();
    }
    List<RunRecord.ScoredChar> chars = new ArrayList<>();
    for (int i = 0; i < r.text().length(); i++) {
      chars.add(new RunRecord.ScoredChar(r.text().charAt(i), bits[i], fixed[i],
          next == null ? List.of() : top(next[i], ALTERNATIVES)));
    }
    double baselineBpc = baseline == null ? Double.NaN : baseline.bitsPerChar(written, 1, 1).bitsPerChar();
    return new ScoredRun(r, chars, bpc, baselineBpc);
  }

  /**
   * The generation alone: a template's blanks, written, are its continuation. Generate and
   * Refinement both run a template this way, so both write the same text for it.
   */
  public static GenerationResult generation(ModelRuntime rt, GenerationRequest req, Template template,
      GenerationListener listener, BooleanSupplier cancelled) {
    if (template == null) {
      return rt.generate(req, listener, cancelled);
    }
    InfillResult f = rt.infill(template, req.temperature(), req.seed(), req.maxIterations(), req.decoding(), listener,
        cancelled);
    StringBuilder blanks = new StringBuilder();
    for (int i = 0; i < f.text().length(); i++) {
      if (!template.fixed()[i]) {
        blanks.append(f.text().charAt(i));
      }
    }
    return new GenerationResult(req, "", f.text(), blanks.toString(), f.passes(), f.iterations(), f.converged(),
        f.sequentialSteps(), f.seconds());
  }

  /** The k most probable symbols of a distribution, as "c 12%" (a space as the open-box sign). */
  public static List<String> top(float[] probs, int k) {
    Integer[] idx = new Integer[probs.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Float.compare(probs[b], probs[a]));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, idx.length); i++) {
      char c = Vocabulary.symbol(idx[i]);
      out.add(String.format("%s %.0f%%", c == ' ' ? "\u2423" : String.valueOf(c), 100 * probs[idx[i]]));
    }
    return out;
  }
}
