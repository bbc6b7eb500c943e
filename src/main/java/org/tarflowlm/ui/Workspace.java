package org.tarflowlm.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.GenerationResult;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.RunFiles;
import org.tarflowlm.runtime.RunRecord;

/**
 * Every view model of one window, wired to one app state (the app and the UI tests build it the
 * same way), and the run they show together: saved to a JSON trace file and opened again to replay.
 */
final class Workspace {
  final AppViewModel app;
  final GenerateViewModel generate;
  final LayersViewModel layers;
  final RefinementViewModel refinement;
  final TrajectoryViewModel trajectory;
  final MixtureViewModel mixture;
  final CompareViewModel compare;
  final InterpolationViewModel interpolation;
  final ModelCardViewModel card;
  final Selection selection = new Selection();
  /**
   * Whether Generate's text is the current run: the text Flow layers trace, whose characters the
   * selection indexes (or, with no trace, as on the baseline, Generate's own).
   */
  final javafx.beans.binding.BooleanBinding generateIsCurrent;
  /** Whether Refinement's text is the current run's. */
  final javafx.beans.binding.BooleanBinding refinementIsCurrent;
  private boolean replaying;
  /** The run file opened last, whose model and config a replayed trace is saved with again. */
  private RunRecord replayed;
  private final javafx.beans.property.StringProperty readout = new javafx.beans.property.SimpleStringProperty("");

  Workspace(AppViewModel app, Executor ui) {
    this.app = app;
    this.generate = new GenerateViewModel(app, ui);
    this.layers = new LayersViewModel(app);
    this.refinement = new RefinementViewModel(app, ui);
    this.trajectory = new TrajectoryViewModel(app, layers);
    this.mixture = new MixtureViewModel(app, layers);
    this.compare = new CompareViewModel(app);
    this.interpolation = new InterpolationViewModel(app);
    this.card = new ModelCardViewModel(app);
    linkRefinement(true);
    generateIsCurrent = javafx.beans.binding.Bindings.createBooleanBinding(() -> {
      GenerationResult r = generate.resultProperty().get();
      return r != null && (layers.traceProperty().get() == null || r.text().equals(layers.textProperty().get()));
    }, generate.resultProperty(), layers.textProperty(), layers.traceProperty());
    refinementIsCurrent = javafx.beans.binding.Bindings.createBooleanBinding(() -> {
      GenerationResult r = refinement.resultProperty().get();
      return r != null && r.text().equals(layers.textProperty().get());
    }, refinement.resultProperty(), layers.textProperty());
    // One current run: a generated text becomes the text that Flow layers traces, and so the one
    // that Latent trajectories and Mixture components draw.
    generate.resultProperty().addListener((o, a, r) -> follow(r));
    refinement.resultProperty().addListener((o, a, r) -> follow(r));
    // One selected position: a character selected anywhere is the highlighted path in Trajectories
    // and the position (its patch) in Mixture components.
    trajectory.selectedProperty().bindBidirectional(selection.characterProperty());
    // A selection indexes the characters of the run's text: it ends when that text changes, not when
    // a view finishes drawing the text (a selection made while Flow layers traced was cleared).
    layers.textProperty().addListener((o, a, t) -> selection.characterProperty().set(-1));
    selection.characterProperty().addListener((o, a, c) -> showSelectedPatch());
    selection.characterProperty().addListener((o, a, c) -> updateReadout());
    layers.traceProperty().addListener((o, a, t) -> updateReadout());
    generate.cells().addListener((javafx.collections.ListChangeListener<CharCell>) ch -> updateReadout());
    // The same text traced on a model of another patch size keeps its selection in another patch,
    // unless the selection was in the old model's padding, which the new one lacks.
    layers.traceProperty().addListener((o, a, t) -> {
      if (t != null && selection.characterProperty().get() >= t.scored().length()) {
        selection.characterProperty().set(-1);
      }
      showSelectedPatch();
    });
  }

  /**
   * Refinement writes the same text as Generate for the same settings: by default the two share
   * their prompt, length, temperature and seed; unlinked, Refinement keeps its own.
   */
  void linkRefinement(boolean linked) {
    if (linked) {
      refinement.promptProperty().bindBidirectional(generate.promptProperty());
      refinement.lengthProperty().bindBidirectional(generate.lengthProperty());
      refinement.temperatureProperty().bindBidirectional(generate.temperatureProperty());
      refinement.seedProperty().bindBidirectional(generate.seedProperty());
    } else {
      refinement.promptProperty().unbindBidirectional(generate.promptProperty());
      refinement.lengthProperty().unbindBidirectional(generate.lengthProperty());
      refinement.temperatureProperty().unbindBidirectional(generate.temperatureProperty());
      refinement.seedProperty().unbindBidirectional(generate.seedProperty());
    }
  }

  /** What the selected character is: position, character, bits, the model's likeliest characters there. */
  javafx.beans.property.ReadOnlyStringProperty readoutProperty() {
    return readout;
  }

  private void updateReadout() {
    int c = selection.characterProperty().get();
    ForwardTrace t = layers.traceProperty().get();
    if (c < 0) {
      readout.set(selectable() == 0 ? "" : "Select a character (click it, or focus a text and press the arrow keys) "
          + "to read its bits and the model's likeliest characters there.");
      return;
    }
    if (t != null && c < t.scored().length()) {
      String alternatives = c < t.nextCharProbs().length
          ? String.join(", ", org.tarflowlm.runtime.ScoredRun.top(t.nextCharProbs()[c], 5)) : "";
      readout.set(String.format("position %d: '%s', %.2f bits under %s%s", c, t.scored().charAt(c),
          c < t.totalBits().length ? t.totalBits()[c] : Double.NaN, t.model(),
          alternatives.isEmpty() ? "" : "; most likely here: " + alternatives));
      return;
    }
    if (c < generate.cells().size()) { // the baseline: no trace, Generate's own figures
      CharCell cell = generate.cells().get(c);
      readout.set(String.format("position %d: '%s', %.2f bits", c, cell.ch(), cell.bits()));
    }
  }

  /** Number of characters the selection indexes: the traced run's, or the generated text's before it is traced. */
  int selectable() {
    ForwardTrace t = layers.traceProperty().get();
    if (t != null) {
      return t.scored().length();
    }
    GenerationResult g = generate.resultProperty().get();
    return g == null ? 0 : g.text().length();
  }

  /**
   * Moves the selection by {@code delta} characters, stopping at the ends; without a selection it
   * starts at the first character (or the last, moving left).
   */
  void moveSelection(int delta) {
    int n = selectable();
    if (n == 0) {
      return;
    }
    int c = selection.characterProperty().get();
    int next = c < 0 ? (delta > 0 ? 0 : n - 1) : Math.max(0, Math.min(n - 1, c + delta));
    selection.characterProperty().set(next);
  }

  /** Mixture components show the patch of the selected character. */
  private void showSelectedPatch() {
    int c = selection.characterProperty().get();
    int p = patchSize();
    if (c >= 0 && c / p != mixture.positionProperty().get()) {
      mixture.positionProperty().set(c / p);
    }
  }

  private int patchSize() {
    ForwardTrace t = layers.traceProperty().get();
    return t == null ? 1 : t.patchSize();
  }

  private void follow(GenerationResult r) {
    ModelRuntime rt = app.runtime();
    if (!replaying && r != null && rt != null && !rt.isBaseline()) {
      layers.traceRun(r.text());
    }
  }

  /** The run on screen: what Generate, Refinement and Flow layers show (the other views draw the trace). */
  RunRecord currentRun() {
    ModelRuntime rt = app.runtime();
    RunRecord.ShownGeneration g = generate.shown();
    RunRecord.ShownGeneration r = refinement.shown();
    ForwardTrace t = layers.traceProperty().get();
    if (g == null && r == null && t == null) {
      throw new IllegalStateException("there is no run to save yet: generate or trace first");
    }
    // A replayed run is saved again under its own model, not the open one.
    String model = t != null ? t.model() : rt == null ? "" : rt.name();
    String config = rt != null && rt.name().equals(model) ? rt.configJson()
        : replayed != null && replayed.model().equals(model) ? replayed.config() : "";
    return new RunRecord(RunFiles.FORMAT, model, config, g, r, t, layers.roundTripProperty().get());
  }

  void save(Path file) throws IOException {
    RunFiles.save(currentRun(), file);
  }

  /** Opens a run file and shows it in every view, exactly as recorded. */
  void open(Path file) throws IOException {
    RunRecord run = RunFiles.load(file);
    replayed = run;
    replaying = true; // a replayed generation shows its saved trace, not a new one of the open model
    try {
      if (run.generate() != null) {
        generate.restore(run.generate(), run.model());
      }
    } finally {
      replaying = false;
    }
    if (run.refinement() != null) {
      refinement.restore(run.refinement(), run.model());
    }
    layers.replay(run.trace(), run.roundTrip());
    app.statusProperty().set("replaying " + file.getFileName() + " (model " + run.model() + ")");
  }
}
