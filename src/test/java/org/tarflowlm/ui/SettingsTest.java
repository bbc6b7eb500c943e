package org.tarflowlm.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final Preferences node = Preferences.userRoot().node("tarflowlm-test-" + ProcessHandle.current().pid());

  @AfterEach
  void clean() throws Exception {
    node.removeNode();
  }

  @Test
  void windowSizeModelAndPromptSurviveARestart() {
    Settings first = new Settings(node);
    assertEquals(1280, first.width());
    assertNull(first.lastModel());
    first.save(900, 640, "models/mixd-p2", "once upon a time");
    Settings second = new Settings(node);
    assertEquals(900, second.width());
    assertEquals(640, second.height());
    assertEquals("models/mixd-p2", second.lastModel());
    assertEquals("once upon a time", second.lastPrompt());
  }
}
