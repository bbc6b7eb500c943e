package org.tarflowlm.corpus;

import java.util.List;

/**
 * The documents of each split, in the order their texts are joined; a document is named
 * {@code sotu/<file name>} or {@code brown/<file name>}.
 */
public record SplitDocuments(List<String> train, List<String> validation, List<String> test) {
  public SplitDocuments {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }
}
