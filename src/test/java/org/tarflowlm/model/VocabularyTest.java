package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VocabularyTest {
  @Test
  void accentedLettersFoldToTheirBaseLetter() {
    assertEquals("cafe naive deja vu", Vocabulary.normalize("Café naïve, déjà vu"));
  }

  @Test
  void everythingElseOutsideTheAlphabetBecomesOneSpace() {
    assertEquals("the u s in ", Vocabulary.normalize("The U.S. in 1990!"));
  }
}
