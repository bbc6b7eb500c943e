package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.Vocabulary;

/**
 * Builds the explorer's {@link Run}s: a generation (a prompt's continuation or a template's blanks)
 * or a typed text, scored, traced and round-tripped on one model, so that the views only draw.
 * Each builder checks {@code cancelled} between its model calls and throws
 * {@link CancellationException} when asked to stop.
 */
public final class Runs {
  /** How many likely characters each position lists. */
  public static final int ALTERNATIVES = 5;
  /** The encoder seed a generated text is traced with. */
  public static final long TRACE_SEED = 1;

  private Runs() {}

  /**
   * Writes a prompt's continuation, or a template's blanks when {@code template} is not null, and
   * makes the run of the text as written (a padded prompt's spaces stay).
   *
   * @param baseline the discrete baseline to score the text with too, or null
   * @param listener hears the generation as it is written
   */
  public static Run generate(ModelRuntime rt, GenerationRequest req, Template template, ModelRuntime baseline,
      GenerationListener listener, BooleanSupplier cancelled) {
    GenerationRecorder recorder = new GenerationRecorder(listener);
    GenerationResult r = generation(rt, req, template, recorder, cancelled);
    stopIf(cancelled);
    boolean[] fixed = recorder.layout().fixed();
    Run.Generation g = new Run.Generation(req, r, recorder.layout(), recorder.noise(), recorder.writes(),
        recorder.sweeps(), rightToLeft(rt));
    return score(rt, NormalizedText.verbatim(r.text()), fixed, TRACE_SEED, baseline, g, "", cancelled);
  }

  /** The run of a typed text: read as the model reads it (normalized), traced with the encoder sample of {@code seed}. */
  public static Run trace(ModelRuntime rt, String typed, long seed, ModelRuntime baseline, BooleanSupplier cancelled) {
    return score(rt, NormalizedText.of(typed), null, seed, baseline, null, "", cancelled);
  }

  /**
   * The run of another run's text traced again with the encoder sample of {@code seed}: on the same
   * model it keeps the generation that wrote it; on another (what a model switch leaves of a run)
   * only the characters, whose writer it names.
   */
  public static Run retrace(ModelRuntime rt, Run before, long seed, ModelRuntime baseline, BooleanSupplier cancelled) {
    boolean sameModel = rt.name().equals(before.model());
    boolean[] fixed = new boolean[before.text().length()];
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = sameModel && before.fixed(i);
    }
    String writer = sameModel || before.generation() == null ? before.retracedFrom() : before.model();
    // the text as the run's model read it, without the padding to its patch size: another model pads to its own
    NormalizedText text = before.trace() != null ? before.trace().text() : NormalizedText.verbatim(before.text());
    return score(rt, text, fixed, seed, baseline,
        sameModel ? before.generation() : null, writer, cancelled);
  }

  /**
   * The generation alone: a template's blanks, written, are its continuation, so that a prompt and
   * a template give one kind of result.
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

  /**
   * Scores and traces a text: on a flow, one trace gives every character's bits and the next-character
   * weights, and the round trip checks each layer on it; the baseline scores it alone.
   *
   * @param fixed per character whether it was given; null: none was (a typed text)
   */
  private static Run score(ModelRuntime rt, NormalizedText text, boolean[] fixed, long seed, ModelRuntime baseline,
      Run.Generation g, String retracedFrom, BooleanSupplier cancelled) {
    String scored;
    float[] bits;
    float[][] next = null;
    double bpc;
    ForwardTrace trace = null;
    double[] roundTrip = null;
    if (rt.isBaseline()) {
      TextBits tb = rt.bitsPerChar(text, 1, 1);
      scored = text.normalized();
      bits = tb.perChar();
      bpc = tb.bitsPerChar();
    } else {
      trace = rt.trace(text, seed);
      stopIf(cancelled);
      roundTrip = rt.roundTripErrors(trace);
      scored = trace.scored();
      bits = trace.totalBits();
      next = trace.nextCharProbs();
      bpc = trace.bitsPerChar();
    }
    stopIf(cancelled);
    double baselineBpc = baseline == null || baseline == rt ? Double.NaN
        : baseline.bitsPerChar(NormalizedText.verbatim(scored), 1, 1).bitsPerChar();
    List<Run.ScoredChar> chars = new ArrayList<>();
    for (int i = 0; i < scored.length(); i++) {
      chars.add(new Run.ScoredChar(scored.charAt(i), bits[i], fixed != null && i < fixed.length && fixed[i],
          next == null ? List.of() : top(next[i], ALTERNATIVES)));
    }
    return new Run(rt.name(), rt.configJson(), scored, chars, bpc, baselineBpc, g, trace, roundTrip, retracedFrom);
  }

  /** Per layer (1-based; index 0 unused), whether it runs right to left. */
  public static boolean[] rightToLeft(ModelRuntime rt) {
    boolean[] out = new boolean[rt.isBaseline() ? 1 : rt.config().layers().size() + 1];
    for (int l = 1; l < out.length; l++) {
      out[l] = rt.config().layers().get(l - 1).direction() == Direction.RIGHT_TO_LEFT;
    }
    return out;
  }

  private static void stopIf(BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException();
    }
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
