package org.tarflowlm.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.NormalizedText;
import org.tarflowlm.runtime.PassResult;
import org.tarflowlm.runtime.RunRecord;
import org.tarflowlm.runtime.ScoredRun;
import org.tarflowlm.runtime.Template;

/**
 * State and commands of the Generate view: prompt, length, temperature, seed; Generate and Stop;
 * the text as it streams in; then every character with its bits and its top alternatives, the
 * bits per character, and the baseline's figure on the same text.
 */
public final class GenerateViewModel {
  /** Name of the baseline model folder beside the others. */
  static final String BASELINE = "ar-baseline";
  /** Streamed text is redrawn at most this often (about 30 times a second). */
  private static final long FRAME_NANOS = 33_000_000L;

  private final AppViewModel app;
  private final Executor ui;
  private final StringProperty prompt = new SimpleStringProperty("");
  private final IntegerProperty length = new SimpleIntegerProperty(120);
  private final DoubleProperty temperature = new SimpleDoubleProperty(1.0);
  private final LongProperty seed = new SimpleLongProperty(1);
  private final JobState job;
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final StringProperty streamed = new SimpleStringProperty("");
  private final StringProperty normalization = new SimpleStringProperty("");
  private final StringProperty summary = new SimpleStringProperty("");
  private final ObservableList<CharCell> cells = FXCollections.observableArrayList();
  private final ObjectProperty<GenerationResult> result = new SimpleObjectProperty<>();
  private final StringProperty trimOffer = new SimpleStringProperty("");

  public GenerateViewModel(AppViewModel app, Executor ui) {
    this.app = app;
    this.job = new JobState(app);
    this.ui = ui;
    // Another model's text is not this model's: clear it, and say so, rather than shade it wrongly.
    // Nothing of the other model survives: not a stopped run's partial text, nor the note of an
    // earlier switch (it named a model that is no longer open).
    app.runtimeProperty().addListener((o, a, rt) -> {
      if (rt == null) {
        return;
      }
      boolean cleared = result.get() != null && !rt.name().equals(model);
      String was = model;
      if (cleared || !streamed.get().isEmpty() || summary.get().equals(switchNote)) {
        result.set(null);
        cells.clear();
        streamed.set("");
        progress.set(0);
        summary.set("");
      }
      if (cleared) {
        switchNote = String.format("%s is open now: Generate to write with it (the text %s wrote was cleared)",
            rt.name(), was.isEmpty() ? "the other model" : was);
        summary.set(switchNote);
      }
    });
    prompt.addListener((obs, old, now) -> {
      trimOffer.set("");
      if (now.indexOf(Template.BLANK) >= 0) {
        normalization.set(infillNote(now));
        return;
      }
      NormalizedText n = NormalizedText.of(now);
      normalization.set(n.changed() && !now.isEmpty() ? "the model reads: \"" + n.normalized() + "\"" : "");
    });
  }

  public StringProperty promptProperty() {
    return prompt;
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

  private final BooleanProperty jacobi = new javafx.beans.property.SimpleBooleanProperty(false);

  /** Whether each layer is inverted by Jacobi sweeps over the whole text (the same text, other sequential steps). */
  public BooleanProperty jacobiProperty() {
    return jacobi;
  }

  public BooleanProperty runningProperty() {
    return job.runningProperty();
  }

  public DoubleProperty progressProperty() {
    return progress;
  }

  public StringProperty streamedProperty() {
    return streamed;
  }

  public StringProperty normalizationProperty() {
    return normalization;
  }

  public StringProperty summaryProperty() {
    return summary;
  }

  /**
   * When the prompt is too long for the context: the label of the offer to keep its end (empty
   * otherwise); {@link #trimPrompt} takes it.
   */
  public StringProperty trimOfferProperty() {
    return trimOffer;
  }

  /** Keeps the end of the prompt that fits the context with the chosen length, as a playground does. */
  public void trimPrompt() {
    ModelRuntime rt = app.runtime();
    if (rt != null && !trimOffer.get().isEmpty()) {
      prompt.set(rt.fitPrompt(prompt.get(), length.get()));
      job.errorProperty().set("");
    }
  }

  private static String infillNote(String typed) {
    try {
      Template t = Template.parse(typed);
      return "infill: the model writes the " + count(t.blanks(), "blank") + " marked _ and reads \"" + t.typed()
          + "\" on both sides of them";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  /** The model the shown generation ran on. */
  private String model = "";
  /** The summary that said a model switch cleared the text, while it is shown. */
  private String switchNote = "";

  public ObservableList<CharCell> cells() {
    return cells;
  }

  public ObjectProperty<GenerationResult> resultProperty() {
    return result;
  }

  /** "1 blank", "2 blanks". */
  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** A fresh random seed. */
  public void newSeed() {
    seed.set(ThreadLocalRandom.current().nextLong(1, 1_000_000));
  }

  /** Starts a generation in the background; the text streams into {@link #streamedProperty()}. */
  public void generate() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      job.errorProperty().set("no model is open yet");
      return;
    }
    if (job.runningProperty().get()) {
      return;
    }
    GenerationRequest req;
    Template template = null;
    try {
      // A template with blanks (_) is infill; the length then comes from the template.
      if (prompt.get().indexOf(Template.BLANK) >= 0) {
        template = Template.parse(prompt.get());
        req = new GenerationRequest(template.typed(), template.blanks(), temperature.get(), seed.get(), true, 8);
        rt.checkTemplate(template);
        template.requireWholePatches(rt.isBaseline() ? 1 : rt.config().patchSize());
      } else {
        req = new GenerationRequest(prompt.get(), length.get(), temperature.get(), seed.get(), true, 8);
        String fits = rt.fitPrompt(req.prompt(), req.length());
        if (fits.length() < NormalizedText.of(req.prompt()).normalized().length()) {
          trimOffer.set("Keep the last " + fits.length() + " characters");
          throw new IllegalArgumentException("the prompt (" + NormalizedText.of(req.prompt()).normalized().length()
              + " characters) and length " + req.length() + " do not fit the model's context of " + rt.config().seqLen()
              + " characters");
        }
      }
      if (jacobi.get()) {
        req = req.with(org.tarflowlm.runtime.Decoding.jacobi(0));
      }
    } catch (IllegalArgumentException e) {
      job.errorProperty().set(e.getMessage()); // what is on screen stays: a rejected input loses nothing
      return;
    }
    GenerationRequest asked = req;
    Template infill = template;
    summary.set("");
    cells.clear();
    streamed.set("");
    progress.set(0);
    int layers = Math.max(1, rt.config().layers().size());
    GenerationListener listener = new GenerationListener() {
      private char[] text = new char[0];
      private int positions = 1;
      private int steps;
      private long lastShown;

      @Override
      public void onStart(Template layout, String noise) {
        text = layout.text().toCharArray(); // the runtime's layout: the padded prompt, then the places to write
        positions = Math.max(1, text.length / (rt.isBaseline() ? 1 : rt.config().patchSize()));
        String snapshot = layout.text();
        ui.execute(() -> streamed.set(snapshot));
      }

      @Override
      public void onStep(int iteration, int layer, int step, int position, String chars) {
        for (int i = 0; i < chars.length() && position + i < text.length; i++) {
          text[position + i] = chars.charAt(i);
        }
        steps++;
        // At most one redraw per frame: a redraw per step kept the JavaFX thread busy on one of the
        // two cores the engine's threads were computing on.
        long now = System.nanoTime();
        if (now - lastShown < FRAME_NANOS) {
          return;
        }
        lastShown = now;
        String snapshot = new String(text);
        double done = Math.min(1, steps / (double) (positions * layers));
        ui.execute(() -> {
          streamed.set(snapshot);
          progress.set(done);
        });
      }

      @Override
      public void onSweep(org.tarflowlm.runtime.SweepResult sweep) {
        String snapshot = sweep.text(); // a sweep rewrites the whole text at once
        ui.execute(() -> streamed.set(snapshot));
      }

      @Override
      public void onPass(PassResult pass) {
        ui.execute(() -> streamed.set(pass.text()));
      }
    };
    Path baseline = rt.isBaseline() ? null : app.sibling(BASELINE);
    job.start(rt, cancelled -> ScoredRun.write(rt, asked, infill, baseline == null ? null : app.other(baseline), listener,
        cancelled), scored -> {
      model = rt.name();
      progress.set(1);
      result.set(scored.result());
      streamed.set(scored.result().text());
      cells.setAll(scored.chars().stream().map(c -> new CharCell(c.ch(), c.bits(), c.fixed(), c.alternatives())).toList());
      double bpc = scored.bitsPerChar();
      String baselineNote = Double.isNaN(scored.baselineBitsPerChar()) ? ""
          : String.format("  |  %.3f under %s", scored.baselineBitsPerChar(), BASELINE);
      GenerationResult g = scored.result();
      summary.set(infill != null
          ? String.format("%.3f bits/char under %s%s  |  %s written in %.2f s, %s%s", bpc, rt.name(), baselineNote,
              count(g.continuation().length(), "blank"), g.seconds(), count(g.iterations(), "iteration"),
              g.converged() ? "" : " (not settled)")
          : String.format("%.3f bits/char under %s%s  |  %d characters in %.2f s (%.0f char/s), %d sequential steps",
              bpc, rt.name(), baselineNote, g.continuation().length(), g.seconds(), g.charsPerSecond(), g.sequentialSteps())
          + (g.request().decoding().jacobi() ? " (Jacobi)" : ""));
    }, () -> summary.set("stopped"));
  }

  /** The model and the settings of the generation shown; empty before the first. */
  public String caption() {
    GenerationResult r = result.get();
    return r == null ? "" : Exportable.ofGeneration(model, r.request());
  }

  /** What the view shows, for a run file; null before the first generation. */
  public RunRecord.ShownGeneration shown() {
    GenerationResult r = result.get();
    if (r == null) {
      return null;
    }
    List<RunRecord.ScoredChar> chars = cells.stream()
        .map(c -> new RunRecord.ScoredChar(c.ch(), c.bits(), c.prompt(), c.alternatives())).toList();
    return new RunRecord.ShownGeneration(r.request(), r.passes(), chars, summary.get(), null, null);
  }

  /** Shows a saved generation exactly as it was: its settings, its shaded text and its summary. */
  public void restore(RunRecord.ShownGeneration g, String model) {
    this.model = model;
    GenerationRequest req = g.request();
    prompt.set(req.prompt());
    if (req.prompt().indexOf(Template.BLANK) < 0) {
      length.set(req.length());
    }
    temperature.set(req.temperature());
    seed.set(req.seed());
    job.errorProperty().set("");
    cells.setAll(g.chars().stream().map(c -> new CharCell(c.ch(), c.bits(), c.fixed(), c.alternatives())).toList());
    String text = g.passes().isEmpty() ? "" : g.passes().get(g.passes().size() - 1).text();
    streamed.set(text);
    summary.set(g.summary() == null ? "" : g.summary());
    progress.set(1);
    String cont = req.prompt().indexOf(Template.BLANK) >= 0 ? text : text.substring(Math.max(0, text.length() - req.length()));
    result.set(new GenerationResult(req, text.substring(0, text.length() - cont.length()), text, cont, g.passes(),
        0, true, 0, 0));
  }

  /** Stops the running generation; it ends at its next step. */
  public void stop() {
    job.stop();
  }
}
