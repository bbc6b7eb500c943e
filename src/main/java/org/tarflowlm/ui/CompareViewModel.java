package org.tarflowlm.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.ModelRuntime;

/**
 * Two to four models side by side on the same prompt, seed and temperature: their texts, the bits
 * per character of a chosen text, speed and sequential steps, and their refinement on one timeline.
 */
public final class CompareViewModel {
  /** The comparison a user gets without choosing: the three patch sizes we ship. */
  static final List<String> DEFAULTS = List.of("mixd-p1", "mixd-p2", "mixd-p4");

  private final AppViewModel app;
  private final ObservableList<Path> chosen = FXCollections.observableArrayList();
  private final ObservableList<CompareRow> rows = FXCollections.observableArrayList();
  private final StringProperty prompt = new SimpleStringProperty("the president said");
  private GenerationRequest shown;
  private final StringProperty scoredText = new SimpleStringProperty("the state of the union is strong");
  private final IntegerProperty length = new SimpleIntegerProperty(96);
  private final DoubleProperty temperature = new SimpleDoubleProperty(1.0);
  private final LongProperty seed = new SimpleLongProperty(1);
  private final DoubleProperty timeline = new SimpleDoubleProperty(1.0);
  private final JobState job;

  public CompareViewModel(AppViewModel app) {
    this.app = app;
    this.job = new JobState(app);
  }

  public ObservableList<Path> chosen() {
    return chosen;
  }

  public ObservableList<CompareRow> rows() {
    return rows;
  }

  public StringProperty promptProperty() {
    return prompt;
  }

  public StringProperty scoredTextProperty() {
    return scoredText;
  }

  public IntegerProperty lengthProperty() {
    return length;
  }

  public DoubleProperty temperatureProperty() {
    return temperature;
  }

  public LongProperty seedProperty() {
    return seed;
  }

  /** Shared refinement timeline in [0, 1]: each model shows the pass at that fraction of its passes. */
  public DoubleProperty timelineProperty() {
    return timeline;
  }

  public BooleanProperty runningProperty() {
    return job.runningProperty();
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  /** Chooses the default patch-size trio among the installed models (or the first installed ones). */
  public void chooseDefaults() {
    List<Path> picks = new ArrayList<>();
    for (String name : DEFAULTS) {
      Path p = app.sibling(name);
      if (p != null) {
        picks.add(p);
      }
    }
    for (Path p : app.models()) {
      if (picks.size() >= 2) {
        break;
      }
      if (!picks.contains(p)) {
        picks.add(p);
      }
    }
    chosen.setAll(picks);
  }

  public void run() {
    if (chosen.size() < 2 || chosen.size() > 4) {
      job.errorProperty().set("choose two to four models to compare (" + chosen.size() + " chosen)");
      return;
    }
    GenerationRequest req;
    try {
      req = new GenerationRequest(prompt.get(), length.get(), temperature.get(), seed.get(), true, 8);
    } catch (IllegalArgumentException e) {
      job.errorProperty().set(e.getMessage());
      return;
    }
    List<Path> models = List.copyOf(chosen);
    String text = scoredText.get();
    rows.clear();
    job.start(null, cancelled -> {
      List<CompareRow> out = new ArrayList<>();
      for (Path m : models) {
        ModelRuntime rt = app.other(m);
        String[] noise = {""};
        GenerationResult g = rt.generate(req, new org.tarflowlm.runtime.GenerationListener() {
          @Override
          public void onStart(org.tarflowlm.runtime.Template layout, String start) {
            noise[0] = start;
          }
        }, cancelled);
        double bpc = rt.bitsPerChar(text, 1, 1).bitsPerChar();
        out.add(new CompareRow(rt.name(), rt.isBaseline() ? 1 : rt.config().patchSize(), g.text(), bpc,
            g.charsPerSecond(), g.sequentialSteps(), g.passes(), noise[0]));
      }
      return out;
    }, r -> {
      shown = req;
      rows.setAll(r);
      timeline.set(1.0);
    }, () -> job.errorProperty().set("stopped before every model had written its text: nothing to compare yet"));
  }

  /** The models and the settings of the comparison shown; empty before the first. */
  public String caption() {
    if (shown == null || rows.isEmpty()) {
      return "";
    }
    return String.format("%s; prompt \"%s\", %d characters, temperature %s, seed %d",
        String.join(" vs ", rows.stream().map(CompareRow::model).toList()), shown.prompt(), shown.length(),
        shown.temperature(), shown.seed());
  }

  public void stop() {
    job.stop();
  }

  /**
   * The pass a row shows at a fraction of the timeline, which runs from the starting noise (-1, at
   * 0) through every pass (the last at 1), so models with more passes step more often.
   */
  public static int passAt(CompareRow row, double fraction) {
    int n = row.passes().size();
    return Math.min(n, (int) Math.floor(fraction * n + 1e-9)) - 1;
  }
}
