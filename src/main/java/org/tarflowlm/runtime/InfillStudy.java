package org.tarflowlm.runtime;

import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CancellationException;
import org.tarflowlm.model.RandomStream;

/**
 * Does the text after a blank help to fill it? For windows of a text with one span blanked, the
 * whole window's bits per character after infill (both sides read) against the same generation that
 * ignores the right side: the span written as a continuation of the left part only, then the right
 * part appended. Both are scored the same way (the ELBO with the same encoder samples), window by
 * window with the same generation seed.
 *
 * @param windows windows scored
 * @param infillBpc mean bits per character after infill
 * @param leftOnlyBpc mean bits per character after the left-only continuation
 * @param infillBetter windows where infill scored lower
 * @param sameText windows where both wrote the same characters
 * @param meanDifference mean of (left-only - infill) bits per character; positive favours infill
 * @param standardError its standard error over the windows
 * @param seconds wall time
 */
public record InfillStudy(int windows, double infillBpc, double leftOnlyBpc, int infillBetter, int sameText,
    double meanDifference,
    double standardError, double seconds) {

  /** How the windows and spans are cut. */
  public record Design(int windows, int width, int minSpan, int maxSpan, int samples, long seed) {
    public Design {
      if (minSpan < 1 || maxSpan < minSpan || width < maxSpan + 2 * MARGIN) {
        throw new IllegalArgumentException("spans of " + minSpan + ".." + maxSpan + " need windows of at least "
            + (maxSpan + 2 * MARGIN) + " characters, got " + width);
      }
    }
  }

  /** Characters kept on each side of a span, so that it always has context on both. */
  static final int MARGIN = 8;

  /**
   * Runs the study on a normalized text (the test split) with a flow model.
   *
   * @param progress hears each finished window (index, infill bpc, left-only bpc)
   */
  public static InfillStudy run(ModelRuntime rt, String text, Design design, Progress progress,
      BooleanSupplier cancelled) {
    long start = System.nanoTime();
    if (text.length() < design.width()) {
      throw new IllegalArgumentException("the text has " + text.length() + " characters, fewer than one window of "
          + design.width());
    }
    SplittableRandom spans = RandomStream.of(design.seed(), RandomStream.Purpose.STUDY_SPANS);
    int stride = Math.max(1, (text.length() - design.width()) / Math.max(1, design.windows() - 1));
    double sumInfill = 0;
    double sumLeft = 0;
    double sumDiff = 0;
    double sumDiff2 = 0;
    int better = 0;
    int same = 0;
    int n = 0;
    for (int w = 0; w < design.windows() && w * stride + design.width() <= text.length(); w++) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("study stopped");
      }
      String window = text.substring(w * stride, w * stride + design.width());
      int span = design.minSpan() + spans.nextInt(design.maxSpan() - design.minSpan() + 1);
      int at = MARGIN + spans.nextInt(design.width() - span - 2 * MARGIN + 1);
      long seed = design.seed() + w;
      String left = window.substring(0, at);
      String right = window.substring(at + span);
      String filled = rt.infill(Template.parse(left + "_".repeat(span) + right), 1.0, seed, 8,
          GenerationListener.NONE, cancelled).text();
      String continued = rt.infill(Template.parse(left + "_".repeat(span)), 1.0, seed, 8,
          GenerationListener.NONE, cancelled).text() + right;
      double a = rt.bitsPerChar(NormalizedText.verbatim(filled), design.samples(), design.seed()).bitsPerChar();
      double b = rt.bitsPerChar(NormalizedText.verbatim(continued), design.samples(), design.seed()).bitsPerChar();
      sumInfill += a;
      sumLeft += b;
      sumDiff += b - a;
      sumDiff2 += (b - a) * (b - a);
      better += a < b && !filled.equals(continued) ? 1 : 0;
      same += filled.equals(continued) ? 1 : 0;
      n++;
      progress.onWindow(n, a, b);
    }
    double mean = sumDiff / n;
    double var = n > 1 ? (sumDiff2 - n * mean * mean) / (n - 1) : 0;
    return new InfillStudy(n, sumInfill / n, sumLeft / n, better, same, mean, Math.sqrt(var / n),
        (System.nanoTime() - start) / 1e9);
  }

  /** Hears the study window by window. */
  public interface Progress {
    void onWindow(int done, double infillBpc, double leftOnlyBpc);
  }
}
