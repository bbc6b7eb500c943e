package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomStreamTest {
  @Test
  void everyPurposeSeedAndIndexHasItsOwnStream() {
    Set<Long> firstDraws = new HashSet<>();
    int streams = 0;
    for (RandomStream.Purpose purpose : RandomStream.Purpose.values()) {
      for (long seed = 0; seed < 8; seed++) {
        for (long index = 0; index < 8; index++) {
          firstDraws.add(RandomStream.of(seed, purpose, index).nextLong());
          streams++;
        }
      }
    }
    assertEquals(streams, firstDraws.size());
  }

  @Test
  void aStreamIsTheSameOnEveryCall() {
    assertEquals(RandomStream.of(3, RandomStream.Purpose.GENERATION, 4).nextLong(),
        RandomStream.of(3, RandomStream.Purpose.GENERATION, 4).nextLong());
    assertNotEquals(RandomStream.of(1, RandomStream.Purpose.INIT).nextLong(),
        RandomStream.of(1, RandomStream.Purpose.ENCODER).nextLong());
  }
}
