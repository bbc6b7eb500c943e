package org.tarflowlm.ui;

import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.runtime.GenerationListener;
import org.tarflowlm.runtime.GenerationRequest;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.PassResult;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.Run;
import org.tarflowlm.runtime.Runs;
import org.tarflowlm.runtime.SweepResult;
import org.tarflowlm.runtime.Template;

/**
 * Multi-pass refinement: a generation's text after every pass, as they arrive, and the pass the
 * timeline shows.
 */
public final class RefinementViewModel {
  private final AppViewModel app;
  private final CurrentRun current;
  private final Executor ui;
  private final StringProperty prompt = new SimpleStringProperty("");
  private final IntegerProperty length = new SimpleIntegerProperty(120);
  private final LongProperty seed = new SimpleLongProperty(1);
  private final javafx.beans.property.DoubleProperty temperature = new javafx.beans.property.SimpleDoubleProperty(1.0);
  private final ObservableList<PassResult> passes = FXCollections.observableArrayList();
  private final ObservableList<RefinementRows.Row> rows = FXCollections.observableArrayList();
  private String noise = "";
  private Template layout;
  /** What the view says of the current run when it shows no passes of it. */
  private final StringProperty note = new SimpleStringProperty("");
  private final IntegerProperty shown = new SimpleIntegerProperty(-1);
  private final IntegerProperty step = new SimpleIntegerProperty(-1);
  /** Every position written, per pass: frames.get(pass) lists (position, chars) in the pass's order. */
  private final java.util.List<java.util.List<Run.Write>> frames = new java.util.ArrayList<>();

  /** Each pass's Jacobi sweeps, by pass index (none in sequential decoding). */
  private final java.util.Map<Integer, java.util.List<SweepResult>> sweeps = new java.util.HashMap<>();
  /** Whether each layer (1-based, index 0 unused) of the model that wrote the passes runs right to left. */
  private boolean[] rightToLeft = new boolean[0];
  private final BooleanProperty jacobi = new javafx.beans.property.SimpleBooleanProperty(false);
  private final javafx.beans.property.DoubleProperty tolerance = new javafx.beans.property.SimpleDoubleProperty(0);

  private final JobState job;
  private final javafx.beans.property.ReadOnlyObjectWrapper<GenerationResult> result =
      new javafx.beans.property.ReadOnlyObjectWrapper<>();

  RefinementViewModel(AppViewModel app, CurrentRun current, Executor ui) {
    this.app = app;
    this.current = current;
    this.job = new JobState(app);
    this.ui = ui;
    passes.addListener((javafx.collections.ListChangeListener<PassResult>) c -> rows.setAll(RefinementRows.of(noise,
        passes, sweeps, layer -> layer < rightToLeft.length && rightToLeft[layer])));
    current.runProperty().addListener((o, a, r) -> show(r));
  }

  /** What the view says of the current run when it has no passes to show (a traced text, a model switch). */
  public javafx.beans.property.ReadOnlyStringProperty noteProperty() {
    return note;
  }

  /** What the view draws: the starting noise, then the passes, repeated iterations folded. */
  public ObservableList<RefinementRows.Row> rows() {
    return rows;
  }

  /** Whether character j is fixed (a prompt character): it is kept, not written, in every pass. */
  public boolean isFixed(int j) {
    return layout != null && j >= 0 && j < layout.fixed().length && layout.fixed()[j];
  }

  /** The fixed character at j, as the model reads it. */
  public char fixedChar(int j) {
    return layout.text().charAt(j);
  }

  /** Whether a pass inverts its layer by Jacobi sweeps (each sweep a row) instead of position by position. */
  public BooleanProperty jacobiProperty() {
    return jacobi;
  }

  /** Jacobi: a latent that moves no more than this in a sweep counts as settled (0: exactly). */
  public javafx.beans.property.DoubleProperty toleranceProperty() {
    return tolerance;
  }

  public javafx.beans.property.DoubleProperty temperatureProperty() {
    return temperature;
  }

  public StringProperty promptProperty() {
    return prompt;
  }

  public IntegerProperty lengthProperty() {
    return length;
  }

  public LongProperty seedProperty() {
    return seed;
  }

  public ObservableList<PassResult> passes() {
    return passes;
  }

  /** Steps into the shown pass (-1: the pass complete), for stepping through sampling position by position. */
  public IntegerProperty stepProperty() {
    return step;
  }

  /** Positions the given pass wrote, in its order. */
  public int steps(int pass) {
    return pass < 0 || pass >= frames.size() ? 0 : frames.get(pass).size();
  }

  /**
   * The text while a pass is being written: the previous pass's text with the first {@code k}
   * positions of this pass written over it.
   */
  public String textDuring(int pass, int k) {
    if (pass < 0 || pass >= passes.size()) {
      return "";
    }
    if (k < 0 || k >= steps(pass)) {
      return passes.get(pass).text();
    }
    String before = pass > 0 ? passes.get(pass - 1).text()
        : noise.isEmpty() ? " ".repeat(passes.get(0).text().length()) : noise;
    char[] text = before.toCharArray();
    for (int i = 0; i < k; i++) {
      Run.Write w = frames.get(pass).get(i);
      for (int j = 0; j < w.chars().length() && w.position() + j < text.length; j++) {
        text[w.position() + j] = w.chars().charAt(j);
      }
    }
    return new String(text);
  }

  /** First character of the position written at step k of a pass (-1 when none). */
  public int positionAt(int pass, int k) {
    return k < 0 || k >= steps(pass) ? -1 : frames.get(pass).get(k).position();
  }

  /** Index of the pass the timeline is on (-1 before any). */
  public IntegerProperty shownProperty() {
    return shown;
  }

  /** The generation of the current run; null when the run was not generated (or there is none). */
  public javafx.beans.property.ReadOnlyObjectProperty<GenerationResult> resultProperty() {
    return result.getReadOnlyProperty();
  }

  public BooleanProperty runningProperty() {
    return job.runningProperty();
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  public void run() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      job.errorProperty().set("no model is open yet");
      return;
    }
    GenerationRequest req;
    Template template = null;
    try {
      // A template with blanks (_) is infill, as in Generate: read as a prompt, its blanks were dropped.
      if (prompt.get().indexOf(Template.BLANK) >= 0) {
        template = Template.parse(prompt.get());
        rt.checkTemplate(template);
        template.requireWholePatches(rt.isBaseline() ? 1 : rt.config().patchSize());
        req = new GenerationRequest(template.typed(), template.blanks(), temperature.get(), seed.get(), true, 8);
      } else {
        req = new GenerationRequest(prompt.get(), length.get(), temperature.get(), seed.get(), true, 8);
      }
      if (jacobi.get()) {
        req = req.with(org.tarflowlm.runtime.Decoding.jacobi(tolerance.get()));
      }
    } catch (IllegalArgumentException e) {
      job.errorProperty().set(e.getMessage());
      return;
    }
    // the rows of the passes as they arrive name each layer's direction
    rightToLeft = Runs.rightToLeft(rt);
    setPasses(java.util.List.of(), java.util.List.of(), java.util.List.of(), null, "");
    note.set("");
    GenerationListener listener = new GenerationListener() {
      private java.util.List<Run.Write> written = new java.util.ArrayList<>();
      private java.util.List<SweepResult> swept = new java.util.ArrayList<>();

      @Override
      public void onStart(Template start, String startNoise) {
        ui.execute(() -> {
          layout = start;
          noise = startNoise;
          rows.setAll(RefinementRows.of(noise, passes));
        });
      }

      @Override
      public void onStep(int iteration, int layer, int s, int position, String chars) {
        written.add(new Run.Write(position, chars));
      }

      @Override
      public void onSweep(SweepResult sweep) {
        swept.add(sweep);
      }

      @Override
      public void onPass(PassResult pass) {
        java.util.List<Run.Write> done = written;
        java.util.List<SweepResult> passSweeps = swept;
        written = new java.util.ArrayList<>();
        swept = new java.util.ArrayList<>();
        ui.execute(() -> {
          frames.add(done);
          if (!passSweeps.isEmpty()) {
            sweeps.put(passes.size(), passSweeps);
          }
          passes.add(pass);
          shown.set(passes.size() - 1);
        });
      }
    };
    Template infill = template;
    GenerationRequest asked = req;
    job.startRun(rt, current,
        cancelled -> Runs.generate(rt, asked, infill, app.baselineBeside(rt), listener, cancelled), r -> { },
        () -> {
          show(current.get());
          job.errorProperty().set(GenerateViewModel.NOT_SHOWN);
        }, () -> {
          show(current.get());
          job.errorProperty().set("stopped: the passes shown are the run's before");
        });
  }

  public void stop() {
    job.stop();
  }

  /** The model and the settings of the generation shown; empty when none is. */
  public String caption() {
    Run r = current.get();
    return r == null || r.generation() == null ? "" : Exportable.ofGeneration(r.model(), r.generation().request());
  }

  /** Draws a run's passes on its last one; a line that says what the run is when it was not generated. */
  private void show(Run r) {
    Run.Generation g = r == null ? null : r.generation();
    if (g == null) {
      result.set(null);
      rightToLeft = new boolean[0];
      setPasses(java.util.List.of(), java.util.List.of(), java.util.List.of(), null, "");
      note.set(r == null ? "" : !r.retracedFrom().isEmpty()
          ? String.format("%s is open now: Generate to refine with it (the passes %s wrote were cleared)", r.model(),
              r.retracedFrom())
          : "The current run is a text traced in Flow layers: it has no passes. Generate to watch one being written.");
      return;
    }
    note.set("");
    rightToLeft = g.rightToLeft();
    setPasses(g.passes(), g.writes(), g.sweeps(), g.layout(), g.noise());
    result.set(g.result());
  }

  private void setPasses(java.util.List<PassResult> all, java.util.List<java.util.List<Run.Write>> writes,
      java.util.List<java.util.List<SweepResult>> swept, Template start, String startNoise) {
    layout = start;
    noise = startNoise;
    frames.clear();
    frames.addAll(writes);
    sweeps.clear();
    for (int i = 0; i < swept.size(); i++) {
      if (!swept.get(i).isEmpty()) {
        sweeps.put(i, swept.get(i));
      }
    }
    passes.setAll(all);
    rows.setAll(RefinementRows.of(noise, passes, sweeps, layer -> layer < rightToLeft.length && rightToLeft[layer]));
    shown.set(passes.size() - 1);
    step.set(-1);
  }

  /**
   * One frame of Play: the next position the shown pass writes (the position slider moves with it),
   * then that pass complete, then the next pass from its first position. Returns false at the end of
   * the last pass, where Play stops: it used to wrap around and loop forever, a pass at a time.
   */
  public boolean playFrame() {
    int pass = shown.get();
    int k = step.get();
    if (pass >= 0 && k >= 0) {
      step.set(k + 1 < steps(pass) ? k + 1 : -1);
      return true;
    }
    if (pass + 1 >= passes.size()) {
      return false;
    }
    shown.set(pass + 1);
    step.set(steps(pass + 1) > 0 ? 0 : -1);
    return true;
  }

  /** Where Play starts again once it has reached the end: the first pass, at its first position. */
  public void rewindIfAtEnd() {
    if (!passes.isEmpty() && shown.get() == passes.size() - 1 && step.get() < 0) {
      shown.set(0);
      step.set(steps(0) > 0 ? 0 : -1);
    }
  }
}
