package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.tarflowlm.model.CausalTransformer;
import org.tarflowlm.model.DiscreteLM;
import org.tarflowlm.model.Nd;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.Vocabulary;

/** Sampling from the discrete baseline: one character per step, logits divided by the temperature. */
public final class DiscreteGenerator {
  private final DiscreteLM model;
  private final NDManager manager;

  public DiscreteGenerator(DiscreteLM model, NDManager manager) {
    this.model = model;
    this.manager = manager;
  }

  public GenerationResult generate(GenerationRequest req, GenerationListener listener, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    String prompt = NormalizedText.of(req.prompt()).normalized();
    int total = prompt.length() + req.length();
    if (total > model.config().seqLen()) {
      throw new IllegalArgumentException("prompt (" + prompt.length() + " characters) plus length (" + req.length()
          + ") is more than the model's context of " + model.config().seqLen() + " characters");
    }
    int[] ids = new int[total];
    listener.onStart(Template.continuation(prompt, req.length()), "");
    System.arraycopy(Vocabulary.encode(prompt), 0, ids, 0, prompt.length());
    Noise noise = new Noise(req.seed(), RandomStream.Purpose.GENERATION);
    try (NDManager run = manager.newSubManager();
        CausalTransformer.Cache cache = model.body().newCache(run)) {
      for (int t = 0; t < total; t++) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("generation stopped");
        }
        try (NDManager step = run.newSubManager()) {
          NDArray ctx = req.useCache() ? cachedContext(ids, t, cache, step) : recomputedContext(ids, t, step);
          if (t < prompt.length()) {
            continue; // the prompt is read, not sampled
          }
          double[] logits = Nd.hostDoubles(model.head(ctx)); // float32 or float64 model
          ids[t] = sample(logits, req.temperature(), noise);
          listener.onStep(0, 0, t - prompt.length(), t, String.valueOf(Vocabulary.symbol(ids[t])));
        }
      }
    }
    String text = Vocabulary.decode(ids);
    String cont = text.substring(prompt.length());
    PassResult pass = new PassResult(0, 0, text, new float[0][], cont.length());
    listener.onPass(pass);
    return new GenerationResult(req, prompt, text, cont, List.of(pass), 1, true, total,
        (System.nanoTime() - start) / 1e9);
  }

  private NDArray cachedContext(int[] ids, int t, CausalTransformer.Cache cache, NDManager step) {
    return model.body().stepToken(t == 0 ? 0 : ids[t - 1], cache, step);
  }

  private NDArray recomputedContext(int[] ids, int t, NDManager step) {
    int[] prefix = new int[t + 1];
    System.arraycopy(ids, 0, prefix, 0, t); // slot t's own input is never seen
    NDArray x = model.oneHot(step.create(prefix, new Shape(1, t + 1)));
    return model.body().forward(x).get(":, {}:{}", t, t + 1);
  }

  /** A draw from softmax(logits / tau). */
  static int sample(double[] logits, double temperature, Noise noise) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l / temperature);
    }
    double[] w = new double[logits.length];
    double sum = 0;
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.exp(logits[k] / temperature - max);
      sum += w[k];
    }
    double r = noise.uniform() * sum;
    for (int k = 0; k < w.length; k++) {
      r -= w[k];
      if (r <= 0) {
        return k;
      }
    }
    return w.length - 1;
  }
}
