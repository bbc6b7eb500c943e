package org.tarflowlm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every model command shares. */
public final class ModelOptions {
  /** The model the application and the commands open when none is named. */
  public static final Path DEFAULT_MODEL = Path.of("models", "mixd-p1");

  @Option(names = "--model", paramLabel = "FOLDER", description = "model folder (default: ${DEFAULT-VALUE})")
  Path model = DEFAULT_MODEL;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu", description = "where to run (default: ${DEFAULT-VALUE})")
  String device = "auto";
}
