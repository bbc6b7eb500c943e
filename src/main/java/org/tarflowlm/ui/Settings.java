package org.tarflowlm.ui;

import java.util.prefs.Preferences;

/** What the window remembers between starts: its size, the last model and the last prompt. */
final class Settings {
  private final Preferences prefs;

  Settings(Preferences prefs) {
    this.prefs = prefs;
  }

  static Settings user() {
    return new Settings(Preferences.userNodeForPackage(Settings.class));
  }

  double width() {
    return prefs.getDouble("width", 1280);
  }

  double height() {
    return prefs.getDouble("height", 800);
  }

  String lastModel() {
    return prefs.get("model", null);
  }

  String lastPrompt() {
    return prefs.get("prompt", "the president said");
  }

  void save(double width, double height, String model, String prompt) {
    prefs.putDouble("width", width);
    prefs.putDouble("height", height);
    if (model != null) {
      prefs.put("model", model);
    }
    prefs.put("prompt", prompt == null ? "" : prompt);
  }
}
