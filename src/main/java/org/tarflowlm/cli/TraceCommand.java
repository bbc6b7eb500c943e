package org.tarflowlm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LayerTrace;
import org.tarflowlm.runtime.ModelRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a text forward through every layer and prints what each layer reads and costs. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Forward trace of a text: decoded text, log-dets and bits per layer.")
final class TraceCommand implements Callable<Integer> {
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
      double[] health = rt.roundTripErrors(t);
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
}
