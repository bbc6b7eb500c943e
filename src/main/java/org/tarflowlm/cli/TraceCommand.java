package org.tarflowlm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LayerTrace;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.RoundTrip;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a text forward through every layer and prints what each layer reads and costs. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Forward trace of a text: decoded text, log-dets and bits per layer.")
final class TraceCommand implements Callable<Integer> {
  /** The round-trip error above which a position is listed: the invariant every layer must hold. */
  private static final double MISS = 1e-4;

  @Mixin
  ModelOptions options;

  @Parameters(index = "0", description = "the text")
  String text;

  @Option(names = "--seed", description = "seed of the encoder sample (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--json", description = "print the whole trace as JSON")
  boolean json;

  @Option(names = "--out", description = "also write the trace as JSON to this file")
  Path out;

  @Override
  public Integer call() throws Exception {
    try (ModelRuntime rt = ModelRuntime.open(options.model, options.device)) {
      ForwardTrace t = rt.trace(text, seed);
      if (out != null) {
        org.tarflowlm.io.ConfigJson.write(out, t);
      }
      if (json) {
        System.out.println(ConfigJson.GSON.toJson(t));
        return 0;
      }
      if (t.text().changed()) {
        System.out.printf("normalized: \"%s\"%n", t.text().normalized());
      }
      RoundTrip roundTrip = rt.roundTrip(t);
      double[] health = roundTrip.maxForwardErrors();
      for (LayerTrace s : t.states()) {
        double bits = 0;
        if (s.logDet() != null) {
          for (float v : t.layerBits()[s.index() - 1]) {
            bits += v;
          }
        }
        System.out.printf("%-28s \"%s\"%s%n", s.label(), s.decoded(), s.index() == 0 ? ""
            : String.format("  log-det term %.1f bits, round trip %.1e", bits, health[s.index() - 1]));
      }
      printIllConditioned(t, roundTrip);
      double dec = 0;
      double base = 0;
      for (int i = 0; i < t.decoderBits().length; i++) {
        dec += t.decoderBits()[i];
        base += t.baseBits()[i];
      }
      System.out.printf("decoder term %.1f bits, base Gaussian term %.1f bits; %.4f bits per character%n",
          dec, base, t.bitsPerChar());
    }
    return 0;
  }

  /**
   * Every position where a layer's round trip misses by more than {@link #MISS}, with the backward
   * error and |dx/dh| beside it: a tiny backward error and a large |dx/dh| say that the map is too
   * badly conditioned there for any float64 solver, not that the inverse is wrong.
   */
  private static void printIllConditioned(ForwardTrace t, RoundTrip roundTrip) {
    for (int l = 0; l < roundTrip.layers().size(); l++) {
      RoundTrip.Layer layer = roundTrip.layers().get(l);
      for (int i = 0; i < layer.forwardError().length; i++) {
        if (layer.forwardError()[i] > MISS) {
          int p = t.patchSize();
          double amplified = layer.forwardError()[i] / Math.max(layer.maxBackwardError(), Double.MIN_NORMAL);
          System.out.printf("  layer %d, position %d \"%s\": |x' - x| %.1e, |f(x') - h| %.1e (the layer amplifies a"
                  + " change in h at least %.0e-fold here), local |dx/dh| %.1e%n",
              l + 1, i, t.scored().substring(i * p, i * p + p), layer.forwardError()[i], layer.backwardError()[i],
              amplified, layer.sensitivity()[i]);
        }
      }
    }
  }
}
