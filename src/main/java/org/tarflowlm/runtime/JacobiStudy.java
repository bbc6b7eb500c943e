package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jacobi decoding measured against the sequential inverse on one model: the same unprompted
 * generation both ways, timed one after the other, with how many sweeps each pass took and when
 * each character first read as it ends.
 *
 * @param model the model's name
 * @param seed the generation's seed
 * @param sequentialSeconds wall time of the cached sequential generation
 * @param jacobiSeconds wall time of the Jacobi generation
 * @param sameText whether both wrote the same text
 * @param maxLatentGap max |z_jacobi - z_sequential| over the final latents (as float32)
 * @param passes one entry per pass, in the order they ran
 */
public record JacobiStudy(String model, long seed, double sequentialSeconds, double jacobiSeconds, boolean sameText,
    double maxLatentGap, List<Pass> passes) {
  /**
   * One pass by Jacobi sweeps.
   *
   * @param layer the layer inverted (1-based)
   * @param positions flow positions in the pass
   * @param sweeps sweeps the pass took
   * @param settledAt per character: the first sweep from which on it reads as it does at the end
   *     of the pass
   */
  public record Pass(int layer, int positions, int sweeps, int[] settledAt) {}

  /** Generates {@code length} characters from noise with {@code seed}, sequentially and then by Jacobi. */
  public static JacobiStudy measure(ModelRuntime rt, int length, long seed, Decoding jacobi) {
    GenerationRequest sequential = new GenerationRequest("", length, 1.0, seed, true, 1);
    GenerationResult s = rt.generate(sequential, GenerationListener.NONE, () -> false);
    Map<Integer, List<String>> texts = new LinkedHashMap<>(); // layer -> text after each sweep
    GenerationResult j = rt.generate(sequential.with(jacobi), new GenerationListener() {
      @Override
      public void onStart(Template layout, String noise) {
        texts.clear();
      }

      @Override
      public void onSweep(SweepResult sweep) {
        texts.computeIfAbsent(sweep.layer(), k -> new ArrayList<>()).add(sweep.text());
      }
    }, () -> false);
    List<Pass> passes = new ArrayList<>();
    int p = rt.config().patchSize();
    for (PassResult pass : j.passes()) {
      List<String> sweeps = texts.getOrDefault(pass.layer(), List.of());
      passes.add(new Pass(pass.layer(), pass.text().length() / p, sweeps.size(), settledAt(sweeps, pass.text())));
    }
    return new JacobiStudy(rt.name(), seed, s.seconds(), j.seconds(), s.text().equals(j.text()),
        maxGap(s.passes().get(s.passes().size() - 1).latents(), j.passes().get(j.passes().size() - 1).latents()),
        passes);
  }

  private static int[] settledAt(List<String> sweeps, String fin) {
    int[] at = new int[fin.length()];
    for (int i = 0; i < fin.length(); i++) {
      int k = sweeps.size();
      while (k > 0 && sweeps.get(k - 1).charAt(i) == fin.charAt(i)) {
        k--;
      }
      at[i] = k + 1; // sweeps k+1 .. end all read the final character
    }
    return at;
  }

  private static double maxGap(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int c = 0; c < a[i].length; c++) {
        max = Math.max(max, Math.abs(a[i][c] - b[i][c]));
      }
    }
    return max;
  }
}
