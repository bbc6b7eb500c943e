package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.LanguageModel;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.Nd;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.Vocabulary;

/**
 * Scores a long normalized text in windows of the model's context (seqLen characters, each window
 * scored on its own, as in training). The last window is padded with spaces to a multiple of the
 * patch size for the flow model; its padding's bits are counted, so the figure stays an upper bound.
 */
public final class Evaluator {
  private final LanguageModel model;
  private final NDManager manager;
  private final int activeLayers;

  public Evaluator(LanguageModel model, NDManager manager) {
    this(model, manager, model.config().layers().size());
  }

  /** Scores with the first {@code activeLayers} flow layers only (what each training stage adds). */
  public Evaluator(LanguageModel model, NDManager manager, int activeLayers) {
    this.model = model;
    this.manager = manager;
    this.activeLayers = activeLayers;
  }

  /**
   * @param text normalized text (only the 27 symbols)
   * @param samples encoder samples per window; above 1 also gives the importance-weighted bound
   * @param batch windows per forward pass
   */
  public EvalResult evaluate(String text, int samples, long seed, int batch, BooleanSupplier cancelled) {
    return evaluate(text, samples, new Noise(seed, RandomStream.Purpose.ENCODER), batch, cancelled);
  }

  /** The same with the encoder samples drawn from a given noise stream (training's validation has its own). */
  public EvalResult evaluate(String text, int samples, Noise noise, int batch, BooleanSupplier cancelled) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("cannot score an empty text");
    }
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be at least 1, got " + samples);
    }
    long start = System.nanoTime();
    ModelConfig cfg = model.config();
    List<int[]> windows = windows(text, cfg);
    double elboNats = 0;
    double iwNats = 0;
    for (int i = 0; i < windows.size(); ) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("evaluation stopped");
      }
      int len = windows.get(i).length;
      List<int[]> group = new ArrayList<>();
      while (i < windows.size() && group.size() < batch && windows.get(i).length == len) {
        group.add(windows.get(i++));
      }
      try (NDManager scope = manager.newSubManager()) {
        NDArray ids = ids(scope, group);
        double[][] perSample = new double[samples][];
        for (int s = 0; s < samples; s++) {
          perSample[s] = logLikelihood(ids, noise, scope);
        }
        for (int b = 0; b < group.size(); b++) {
          double mean = 0;
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s < samples; s++) {
            mean += perSample[s][b] / samples;
            max = Math.max(max, perSample[s][b]);
          }
          double sum = 0;
          for (int s = 0; s < samples; s++) {
            sum += Math.exp(perSample[s][b] - max);
          }
          elboNats += mean;
          iwNats += max + Math.log(sum / samples); // log mean_k exp(ELBO_k)
        }
      }
    }
    double bits = -elboNats / Math.log(2) / text.length();
    double iw = samples > 1 ? -iwNats / Math.log(2) / text.length() : Double.NaN;
    return new EvalResult(bits, iw, samples, text.length(), (System.nanoTime() - start) / 1e9);
  }

  /** ELBO (flow) or exact log-likelihood (baseline) in nats per window: ids [B, T] -> B values. */
  private double[] logLikelihood(NDArray ids, Noise noise, NDManager scope) {
    return Nd.hostDoubles(model.logLikelihood(ids,
        shape -> noise.normal(scope, model.params().dtype(), shape.getShape()), activeLayers));
  }

  private static NDArray ids(NDManager scope, List<int[]> group) {
    int t = group.get(0).length;
    int[] flat = new int[group.size() * t];
    for (int b = 0; b < group.size(); b++) {
      System.arraycopy(group.get(b), 0, flat, b * t, t);
    }
    return scope.create(flat, new ai.djl.ndarray.types.Shape(group.size(), t));
  }

  /** The text cut into windows of seqLen ids, the last one padded to a multiple of P. */
  static List<int[]> windows(String text, ModelConfig cfg) {
    int[] ids = Vocabulary.encode(text);
    int p = cfg.isBaseline() ? 1 : cfg.patchSize();
    List<int[]> out = new ArrayList<>();
    for (int start = 0; start < ids.length; start += cfg.seqLen()) {
      int len = Math.min(cfg.seqLen(), ids.length - start);
      int padded = (len + p - 1) / p * p;
      int[] w = new int[padded]; // id 0 is space: the padding
      System.arraycopy(ids, start, w, 0, len);
      out.add(w);
    }
    return out;
  }
}
