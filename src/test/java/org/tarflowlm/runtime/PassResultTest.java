package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PassResultTest {
  @Test
  void differencesCountMismatchesAndTheLengthGap() {
    assertEquals(0, PassResult.differences("the cat", "the cat"));
    assertEquals(2, PassResult.differences("the cat", "tha cut"));
    assertEquals(2, PassResult.differences("the cat", "the c"), "each missing character counts");
    assertEquals(3, PassResult.differences("the cat", "thx c"));
  }
}
