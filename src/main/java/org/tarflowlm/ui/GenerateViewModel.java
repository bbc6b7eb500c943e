package org.tarflowlm.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
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
import org.tarflowlm.runtime.Run;
import org.tarflowlm.runtime.Runs;
import org.tarflowlm.runtime.Template;

/**
 * State and commands of the Generate view: prompt, length, temperature, seed; Generate and Stop;
 * the text as it streams in; then every character with its bits and its top alternatives, the
 * bits per character, and the baseline's figure on the same text.
 */
public final class GenerateViewModel {
  /** Streamed text is redrawn at most this often (about 30 times a second). */
  private static final long FRAME_NANOS = 33_000_000L;

  private final AppViewModel app;
  private final CurrentRun current;
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
  private final ReadOnlyObjectWrapper<GenerationResult> result = new ReadOnlyObjectWrapper<>();
  private final StringProperty trimOffer = new SimpleStringProperty("");

  GenerateViewModel(AppViewModel app, CurrentRun current, Executor ui) {
    this.app = app;
    this.current = current;
    this.job = new JobState(app);
    this.ui = ui;
    current.runProperty().addListener((o, a, r) -> show(r));
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

  private final DoubleProperty tolerance = new SimpleDoubleProperty(0);

  /** Jacobi: a latent that moves no more than this in a sweep counts as settled (0: exactly). */
  public DoubleProperty toleranceProperty() {
    return tolerance;
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

  public ObservableList<CharCell> cells() {
    return cells;
  }

  /** The generation of the current run; null when the run was not generated (or there is none). */
  public ReadOnlyObjectProperty<GenerationResult> resultProperty() {
    return result.getReadOnlyProperty();
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
        req = req.with(org.tarflowlm.runtime.Decoding.jacobi(tolerance.get()));
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
    job.startRun(rt, current,
        cancelled -> Runs.generate(rt, asked, infill, app.baselineBeside(rt), listener, cancelled), run -> { },
        () -> {
          show(current.get());
          job.errorProperty().set(NOT_SHOWN);
        }, () -> {
          show(current.get());
          summary.set(STOPPED);
        });
  }

  /** What a view that generated says when a run asked for after its own is shown instead. */
  static final String NOT_SHOWN = "this generation was not shown: a run asked for after it is shown instead";

  /** What the summary says after Stop, above the run shown before. */
  static final String STOPPED = "stopped: the run shown is the one before";

  /**
   * Draws a run: its characters shaded by their bits and its summary when it was generated; a line
   * that says what the run is when it was not.
   */
  private void show(Run r) {
    Run.Generation g = r == null ? null : r.generation();
    if (g == null) {
      result.set(null);
      cells.clear();
      streamed.set("");
      progress.set(0);
      summary.set(r == null ? "" : !r.retracedFrom().isEmpty()
          ? String.format("%s is open now: Generate to write with it (the text %s wrote was cleared here; "
              + "Flow layers trace it on %s)", r.model(), r.retracedFrom(), r.model())
          : "The current run is a text traced in Flow layers, not a generation: Generate to write one.");
      return;
    }
    result.set(g.result());
    streamed.set(r.text());
    progress.set(1);
    cells.setAll(r.chars().stream().map(c -> new CharCell(c.ch(), c.bits(), c.fixed(), c.alternatives())).toList());
    summary.set(summaryOf(r));
  }

  private static String summaryOf(Run r) {
    GenerationResult g = r.generation().result();
    String baselineNote = Double.isNaN(r.baselineBitsPerChar()) ? ""
        : String.format("  |  %.3f under %s", r.baselineBitsPerChar(), AppViewModel.BASELINE);
    if (r.generation().isInfill()) {
      return String.format("%.3f bits/char under %s%s  |  %s written in %.2f s, %s%s", r.bitsPerChar(), r.model(),
          baselineNote, count(g.continuation().length(), "blank"), g.seconds(), count(g.iterations(), "iteration"),
          g.converged() ? "" : " (not settled)");
    }
    return String.format("%.3f bits/char under %s%s  |  %d characters in %.2f s (%.0f char/s), %d sequential steps",
        r.bitsPerChar(), r.model(), baselineNote, g.continuation().length(), g.seconds(), g.charsPerSecond(),
        g.sequentialSteps()) + (g.request().decoding().jacobi() ? " (Jacobi)" : "");
  }

  /** The model and the settings of the generation shown; empty when none is. */
  public String caption() {
    Run r = current.get();
    return r == null || r.generation() == null ? "" : Exportable.ofGeneration(r.model(), r.generation().request());
  }

  /** Takes a run's settings into the fields, so that Generate writes its text again (an opened run's, say). */
  void adopt(GenerationRequest req) {
    prompt.set(req.prompt());
    if (req.prompt().indexOf(Template.BLANK) < 0) {
      length.set(req.length()); // a template's length is its own
    }
    temperature.set(req.temperature());
    seed.set(req.seed());
    jacobi.set(req.decoding().jacobi());
    tolerance.set(req.decoding().tolerance());
    job.errorProperty().set("");
  }

  /** Stops the running generation; it ends at its next step. */
  public void stop() {
    job.stop();
  }
}
