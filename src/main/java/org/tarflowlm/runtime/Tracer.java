package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarflowlm.model.CouplingResult;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.model.FlowForward;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

/**
 * Runs a text forward through every layer (text -> z -> u) and returns what each layer did, per
 * character: the latents, the decoded text, the log-dets, the coupling's parameters, and the
 * text's bits split into the decoder, each layer's log-det and the base Gaussian.
 */
public final class Tracer {
  private static final double LN2 = Math.log(2);

  private final TarFlowLM model;
  private final NDManager manager;
  private final String modelName;

  public Tracer(TarFlowLM model, NDManager manager, String modelName) {
    this.model = model;
    this.manager = manager;
    this.modelName = modelName;
  }

  /**
   * @param text the user's text (normalized here; it must not be empty after normalization nor
   *     longer than the model's context)
   * @param seed seed of the encoder sample z = mu + sigma eps
   */
  public ForwardTrace trace(String text, long seed) {
    return trace(NormalizedText.of(text), seed);
  }

  /** The trace of a text as its normalization reads it (see {@link NormalizedText#verbatim}). */
  public ForwardTrace trace(NormalizedText norm, long seed) {
    return trace(norm, padded(norm.normalized(), model.config()), seed);
  }

  /** The trace of an exact symbol sequence (already normalized and padded), e.g. two texts padded to one length. */
  ForwardTrace trace(NormalizedText norm, String scored, long seed) {
    ModelConfig cfg = model.config();
    int t = scored.length();
    int layers = model.layers().size();
    try (NDManager scope = manager.newSubManager()) {
      NDArray ids = scope.create(Vocabulary.encode(scored), new Shape(1, t));
      NDArray eps = new Noise(seed, RandomStream.Purpose.ENCODER).normal(scope, model.params().dtype(), 1, t, cfg.latentDim());
      NDArray z = model.codebook().encode(ids, eps, scope); // [1, T, d]
      FlowForward f = model.forward(z);
      float[] decoderBits = scale(Host.floats(model.codebook().decoderTerm(z)), -1 / LN2);
      List<LayerTrace> states = new ArrayList<>();
      states.add(state(0, "z (data)", z, null, null, null, Map.of()));
      float[][] layerBits = new float[layers][];
      for (int l = 0; l < layers; l++) {
        CouplingResult r = f.layers().get(l);
        float[] logDet = perChar(r.logDet(), l);
        layerBits[l] = scale(logDet, -1 / LN2);
        Map<String, float[][]> params = new LinkedHashMap<>();
        r.params().forEach((name, p) -> params.put(name, Host.rows(p)));
        states.add(state(l + 1, label(l), model.toTokens(r.h(), l), logDet, Host.rows(f.inputs().get(l)),
            Host.rows(r.h()), params));
      }
      float[] baseBits = scale(perChar(f.baseLogPdf(), layers - 1), -1 / LN2);
      float[] total = new float[t];
      double sum = 0;
      for (int i = 0; i < t; i++) {
        total[i] = decoderBits[i] + baseBits[i];
        for (float[] lb : layerBits) {
          total[i] += lb[i];
        }
        sum += total[i];
      }
      return new ForwardTrace(modelName, norm, scored, seed, cfg.patchSize(), states, decoderBits, layerBits,
          baseBits, total, sum / norm.normalized().length(), nextCharProbs(f));
    }
  }

  /** The normalized text padded with spaces to a multiple of P, after the checks every entry point needs. */
  static String padded(String normalized, ModelConfig cfg) {
    if (normalized.isBlank()) {
      throw new IllegalArgumentException(
          "the text has no letters: normalization keeps only a..z and single spaces, so there is nothing to score");
    }
    if (normalized.length() > cfg.seqLen()) {
      throw new IllegalArgumentException("the text has " + normalized.length()
          + " characters after normalization, more than the model's context of " + cfg.seqLen()
          + "; shorten it (eval scores long texts in windows)");
    }
    int p = cfg.patchSize();
    int len = (normalized.length() + p - 1) / p * p;
    return normalized + " ".repeat(len - normalized.length());
  }

  private String label(int l) {
    LayerConfig c = model.layers().get(l).config();
    return "layer " + (l + 1) + ": " + c.coupling().name().toLowerCase() + ", " + c.direction().words()
        + (c.input() == LayerInput.POSTERIOR ? ", reads p(k | z)" : "");
  }

  private LayerTrace state(int index, String label, NDArray tokens, float[] logDet, float[][] input,
      float[][] output, Map<String, float[][]> params) {
    NDArray probs = model.codebook().decoderLogProbs(tokens).exp(); // [1, T, V]
    float[][] p = Host.rows(probs);
    float[] conf = new float[p.length];
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < p.length; i++) {
      int best = argmax(p[i]);
      conf[i] = p[i][best];
      text.append(Vocabulary.symbol(best));
    }
    return new LayerTrace(index, label, Host.rows(tokens), text.toString(), conf, logDet, input, output, params);
  }

  /** A per-channel quantity of layer l's input space, summed over each character's channels: [T]. */
  private float[] perChar(NDArray perChannel, int layer) {
    return Host.floats(model.toTokens(perChannel, layer).sum(new int[] {2}));
  }

  /** The first layer's next-character weights when it is a Mix-d layer: [T][V]. */
  private float[][] nextCharProbs(FlowForward f) {
    if (model.layers().get(0).config().coupling() != CouplingType.MIXD) {
      return null;
    }
    NDArray logits = f.layers().get(0).params().get("logits"); // [1, N, P, V] log-probabilities
    long n = logits.getShape().get(1) * logits.getShape().get(2);
    return Host.rows(logits.exp().reshape(1, n, model.config().vocabSize()));
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float[] scale(float[] v, double s) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * s);
    }
    return out;
  }
}
