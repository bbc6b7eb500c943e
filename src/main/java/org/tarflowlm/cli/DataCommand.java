package org.tarflowlm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tarflowlm.corpus.Corpus;
import org.tarflowlm.corpus.CorpusSplits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Builds the normalized train / validation / test splits from the packages the fetch script unpacked. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Build the corpus splits (run scripts/fetch-corpus.sh first).")
final class DataCommand implements Callable<Integer> {
  @Option(names = "--packages", description = "folder the fetch script unpacked into (default: ${DEFAULT-VALUE})")
  Path packages = Path.of("data");

  @Option(names = "--out", description = "folder for the splits (default: ${DEFAULT-VALUE})")
  Path out = Path.of("data", "splits");

  @Override
  public Integer call() throws Exception {
    CorpusSplits splits = Corpus.build(packages);
    Corpus.writeSplits(splits, out);
    System.out.printf("train %,d chars, validation %,d chars, test %,d chars -> %s%n",
        splits.train().length(), splits.validation().length(), splits.test().length(), out);
    return 0;
  }
}
