package org.tarflowlm.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.runtime.Decoding;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.InfillResult;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.NormalizedText;
import org.tarflowlm.runtime.PassResult;
import org.tarflowlm.runtime.SweepResult;
import org.tarflowlm.runtime.Template;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Generates text, printing the text after every pass (the multi-pass refinement), or fills a template's blanks. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate text after a prompt, or fill the blanks of a template (--infill); --passes prints the text after every flow pass.")
final class GenerateCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = "--prompt", description = "text to continue (default: none)")
  String prompt = "";

  @Option(names = "--infill", description = "a template to fill: every _ is a character to write, the rest is "
      + "fixed (normalized), e.g. \"the ____ of the union is strong\"")
  String infill;

  @Option(names = "--trim-prompt", description = "keep only the end of a prompt too long for the context, "
      + "rather than refuse it")
  boolean trimPrompt;

  @Option(names = "--length", description = "characters to write (default: ${DEFAULT-VALUE})")
  int length = 128;

  @Option(names = "--temperature", description = "noise scale tau (default: ${DEFAULT-VALUE})")
  double temperature = 1.0;

  @Option(names = "--seed", description = "seed (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--no-cache", description = "recompute the prefix at every step instead of caching keys and values")
  boolean noCache;

  @Option(names = "--iterations", description = "most prompt-conditioning iterations (default: ${DEFAULT-VALUE})")
  int iterations = 8;

  @Option(names = "--decode", description = "how each layer is inverted: sequential (one position per step) or "
      + "jacobi (sweeps over every position at once; the same text) (default: ${DEFAULT-VALUE})")
  String decode = "sequential";

  @Option(names = "--jacobi-tol", description = "jacobi: a latent change no larger than this counts as none; 0 for "
      + "the exact fixed point (default: ${DEFAULT-VALUE})")
  double jacobiTol = 0;

  @Option(names = "--jacobi-sweeps", description = "jacobi: most sweeps per pass before the rest is finished "
      + "sequentially (default: no cap below the sequence length)")
  int jacobiSweeps = Integer.MAX_VALUE;

  @Option(names = "--jacobi-window", description = "jacobi: positions solved per sweep from the first unsettled one "
      + "(Gauss-Seidel-Jacobi; default: all)")
  int jacobiWindow = Integer.MAX_VALUE;

  @Option(names = "--passes", description = "print the text after every pass")
  boolean passes;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (infill != null && !prompt.isEmpty()) {
      throw new IllegalArgumentException("give either --prompt or --infill: a prompt is a template whose blanks all come after it");
    }
    try (ModelRuntime rt = ModelRuntime.open(options.model, options.device)) {
      Decoding decoding = decoding();
      GenerationListener listener = passes && !json ? new GenerationListener() {
        @Override
        public void onSweep(SweepResult s) {
          System.out.printf("  sweep %d (%d settled, %d moved): %s%n", s.sweep(), s.settled(), s.changed(), s.text());
        }

        @Override
        public void onPass(PassResult p) {
          System.out.printf("iteration %d, after layer %d (%d changed): %s%n", p.iteration(), p.layer(), p.changed(), p.text());
        }
      } : GenerationListener.NONE;
      if (infill != null) {
        return fill(rt, decoding, listener);
      }
      String read = trimPrompt ? rt.fitPrompt(prompt, length) : prompt;
      if (trimPrompt && !read.equals(NormalizedText.of(prompt).normalized())) {
        System.err.printf("the prompt is longer than the context allows with --length %d: keeping its last %d characters%n",
            length, read.length());
      }
      GenerationRequest req = new GenerationRequest(read, length, temperature, seed, !noCache, iterations, decoding);
      GenerationResult r = rt.generate(req, listener, () -> false);
      float[] per = rt.bitsPerChar(NormalizedText.verbatim(r.text()), 1, seed).perChar();
      double contBits = 0;
      for (int i = r.prompt().length(); i < per.length; i++) {
        contBits += per[i];
      }
      int contChars = per.length - r.prompt().length();
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", rt.name());
        out.put("prompt", r.prompt());
        out.put("text", r.text());
        out.put("continuation", r.continuation());
        out.put("continuationBitsPerChar", contBits / contChars);
        out.put("iterations", r.iterations());
        out.put("converged", r.converged());
        out.put("sequentialSteps", r.sequentialSteps());
        out.put("charsPerSecond", r.charsPerSecond());
        out.put("passes", passesJson(r.passes()));
        System.out.println(ConfigJson.GSON.toJson(out));
        return 0;
      }
      System.out.println(r.text());
      System.out.printf("%n%d characters in %.2f s (%.0f char/s), %d sequential steps, %d iteration(s)%s; "
              + "continuation %.3f bits/char under the model%n", r.continuation().length(), r.seconds(),
          r.charsPerSecond(), r.sequentialSteps(), r.iterations(), r.converged() ? "" : " (not converged)",
          contBits / contChars);
    }
    return 0;
  }

  private Decoding decoding() {
    return switch (decode) {
      case "sequential" -> Decoding.SEQUENTIAL;
      case "jacobi" -> new Decoding(true, jacobiTol, jacobiSweeps, jacobiWindow);
      default -> throw new IllegalArgumentException("--decode takes sequential or jacobi, not '" + decode + "'");
    };
  }

  private int fill(ModelRuntime rt, Decoding decoding, GenerationListener listener) {
    Template template = Template.parse(infill);
    InfillResult r = rt.infill(template, temperature, seed, iterations, decoding, listener, () -> false);
    double bpc = rt.bitsPerChar(NormalizedText.verbatim(r.text()), 1, seed).bitsPerChar();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", rt.name());
      out.put("template", template.typed());
      out.put("text", r.text());
      out.put("bitsPerChar", bpc);
      out.put("iterations", r.iterations());
      out.put("converged", r.converged());
      out.put("sequentialSteps", r.sequentialSteps());
      out.put("seconds", r.seconds());
      out.put("passes", passesJson(r.passes()));
      System.out.println(ConfigJson.GSON.toJson(out));
      return 0;
    }
    StringBuilder marks = new StringBuilder();
    for (boolean f : template.fixed()) {
      marks.append(f ? ' ' : '^');
    }
    System.out.println(r.text());
    System.out.println(marks.toString().stripTrailing() + "   (^ written)");
    System.out.printf("%n%d blanks filled in %.2f s, %d sequential steps, %d iteration(s)%s; "
            + "whole text %.3f bits/char under the model%n", template.blanks(), r.seconds(), r.sequentialSteps(),
        r.iterations(), r.converged() ? "" : " (not converged)", bpc);
    return 0;
  }

  /** The text after every pass, as the JSON output lists it. */
  private static java.util.List<Map<String, Object>> passesJson(java.util.List<PassResult> passes) {
    return passes.stream().map(p -> Map.<String, Object>of("iteration", p.iteration(), "layer", p.layer(),
        "text", p.text(), "changed", p.changed())).toList();
  }
}
