package org.tarflowlm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tarflowlm.io.ConfigJson;
import org.tarflowlm.io.ModelFolder;
import org.tarflowlm.model.Direction;
import org.tarflowlm.runtime.Decoding;
import org.tarflowlm.runtime.JacobiStudy;
import org.tarflowlm.runtime.ModelRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Jacobi decoding against the sequential inverse on trained models: sweeps per pass, when each
 * character settles, and the wall time of both, side by side in one run.
 */
@Command(name = "jacobi", mixinStandardHelpOptions = true,
    description = "Measure Jacobi (parallel) decoding against the cached sequential inverse on trained models.")
final class JacobiCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "FOLDER", description = "model folders (default: every flow model in models/)")
  List<Path> models = new ArrayList<>();

  @Option(names = "--length", description = "characters to generate (default: ${DEFAULT-VALUE})")
  int length = 256;

  @Option(names = "--seeds", description = "seeds 1..N (default: ${DEFAULT-VALUE})")
  int seeds = 3;

  @Option(names = "--jacobi-tol", description = "a latent change no larger than this counts as none "
      + "(default: ${DEFAULT-VALUE}, the exact fixed point)")
  double tolerance = 0;

  @Option(names = "--window", description = "positions solved per sweep from the first unsettled one "
      + "(Gauss-Seidel-Jacobi; default: all, plain Jacobi)")
  int window = Integer.MAX_VALUE;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu", description = "where to run (default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Option(names = "--json", description = "print every run as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
    }
    List<JacobiStudy> all = new ArrayList<>();
    if (!json) {
      System.out.printf("%-10s %5s %-6s %4s %14s %24s %12s %9s %9s %6s%n", "model", "layer", "dir", "N",
          "sweeps mean/max", "char settles: med/p90/max", "before front", "seq s", "jacobi s", "same");
    }
    for (Path folder : models.isEmpty() ? flowModels() : models) {
      try (ModelRuntime rt = ModelRuntime.open(folder, device)) {
        if (rt.isBaseline()) {
          throw new IllegalArgumentException(rt.name() + " is the discrete baseline: it has no flow to decode by Jacobi");
        }
        List<JacobiStudy> runs = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
          runs.add(JacobiStudy.measure(rt, length, seed, Decoding.jacobi(tolerance).window(window)));
        }
        all.addAll(runs);
        if (!json) {
          print(rt, runs);
        }
      }
    }
    if (json) {
      System.out.println(ConfigJson.GSON.toJson(all));
    }
    return 0;
  }

  /** One line per layer: sweeps over the seeds, and when characters settle, pooled over the seeds. */
  private void print(ModelRuntime rt, List<JacobiStudy> runs) {
    int passes = runs.get(0).passes().size();
    double seq = runs.stream().mapToDouble(JacobiStudy::sequentialSeconds).average().orElseThrow();
    double jac = runs.stream().mapToDouble(JacobiStudy::jacobiSeconds).average().orElseThrow();
    long same = runs.stream().filter(JacobiStudy::sameText).count();
    double gap = runs.stream().mapToDouble(JacobiStudy::maxLatentGap).max().orElseThrow();
    int p = rt.config().patchSize();
    for (int k = 0; k < passes; k++) {
      int layer = runs.get(0).passes().get(k).layer();
      boolean reversed = rt.config().layers().get(layer - 1).direction() == Direction.RIGHT_TO_LEFT;
      int n = runs.get(0).passes().get(k).positions();
      int finalK = k;
      double meanSweeps = runs.stream().mapToInt(r -> r.passes().get(finalK).sweeps()).average().orElseThrow();
      int maxSweeps = runs.stream().mapToInt(r -> r.passes().get(finalK).sweeps()).max().orElseThrow();
      List<Integer> settled = new ArrayList<>();
      int early = 0;
      for (JacobiStudy r : runs) {
        int[] at = r.passes().get(k).settledAt();
        for (int i = 0; i < at.length; i++) {
          settled.add(at[i]);
          int flowIndex = reversed ? n - 1 - i / p : i / p;
          if (at[i] < flowIndex + 1) { // the frontier makes flow position s final only after sweep s + 1
            early++;
          }
        }
      }
      int[] sorted = settled.stream().mapToInt(Integer::intValue).sorted().toArray();
      System.out.printf("%-10s %5d %-6s %4d %8.1f / %3d %12d / %3d / %3d %11.0f%% %9s %9s %6s%n", rt.name(), layer,
          reversed ? "R->L" : "L->R", n, meanSweeps, maxSweeps, quantile(sorted, 0.5), quantile(sorted, 0.9),
          sorted[sorted.length - 1], 100.0 * early / sorted.length, k == 0 ? String.format("%.2f", seq) : "",
          k == 0 ? String.format("%.2f", jac) : "", k == 0 ? same + "/" + runs.size() : "");
    }
    System.out.printf("%-10s max |z_jacobi - z_sequential| %.1e over %d seeds of %d characters%n", rt.name(), gap,
        runs.size(), length);
  }

  private static int quantile(int[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static List<Path> flowModels() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("models"))) {
      for (Path d : dirs.sorted().toList()) {
        if (Files.exists(d.resolve(ModelFolder.CONFIG)) && !ModelFolder.readConfig(d).isBaseline()) {
          out.add(d);
        }
      }
    }
    return out;
  }
}
