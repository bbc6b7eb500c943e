package org.tarflowlm.corpus;

import java.util.List;
import java.util.Objects;

/**
 * The normalized train / validation / test texts of the corpus (27-symbol text8 alphabet, single
 * spaces, no leading or trailing space), which documents went into each and the packages they came
 * from.
 */
public record CorpusSplits(
    String train, String validation, String test, SplitDocuments documents, List<CorpusSource> sources) {
  public CorpusSplits {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(documents, "documents");
    sources = List.copyOf(sources);
  }
}
