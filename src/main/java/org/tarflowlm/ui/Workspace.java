package org.tarflowlm.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.tarflowlm.runtime.Run;
import org.tarflowlm.runtime.RunFiles;

/**
 * Every view model of one window, wired to one app state and one {@link CurrentRun} (the app and
 * the UI tests build it the same way): the run every view draws, saved to a JSON run file and
 * opened again to replay.
 */
final class Workspace {
  final AppViewModel app;
  final CurrentRun current = new CurrentRun();
  final Selection selection = current.selection();
  final GenerateViewModel generate;
  final LayersViewModel layers;
  final RefinementViewModel refinement;
  final TrajectoryViewModel trajectory;
  final MixtureViewModel mixture;
  final CompareViewModel compare;
  final InterpolationViewModel interpolation;
  final ModelCardViewModel card;
  /** Whether the current run was generated: Generate and Refinement show it (and its selection). */
  final BooleanBinding generated;
  private final ReadOnlyStringWrapper readout = new ReadOnlyStringWrapper("");

  Workspace(AppViewModel app, Executor ui) {
    this.app = app;
    this.generate = new GenerateViewModel(app, current, ui);
    this.layers = new LayersViewModel(app, current);
    this.refinement = new RefinementViewModel(app, current, ui);
    this.trajectory = new TrajectoryViewModel(app, current);
    this.mixture = new MixtureViewModel(app, current);
    this.compare = new CompareViewModel(app);
    this.interpolation = new InterpolationViewModel(app);
    this.card = new ModelCardViewModel(app);
    linkRefinement(true);
    generated = Bindings.createBooleanBinding(() -> current.get() != null && current.get().generation() != null,
        current.runProperty());
    // One selected position: a character selected anywhere is the highlighted path in Trajectories
    // and the position (its patch) in Mixture components.
    trajectory.selectedProperty().bindBidirectional(selection.characterProperty());
    selection.characterProperty().addListener((o, a, c) -> showSelectedPatch());
    selection.characterProperty().addListener((o, a, c) -> updateReadout());
    current.runProperty().addListener((o, a, r) -> {
      updateReadout();
      showSelectedPatch();
    });
    // A run belongs to the model that made it: a new model traces its text again, so that nothing
    // of the closed model stays on screen.
    app.runtimeProperty().addListener((o, old, rt) -> {
      Run shown = current.get();
      // a replay is a recording of its own model's run, shown as such whatever model is open
      if (rt == null || shown == null || shown.model().equals(rt.name()) || !current.replayOfProperty().get().isEmpty()) {
        return;
      }
      current.clear();
      layers.retrace(shown);
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
  ReadOnlyStringProperty readoutProperty() {
    return readout.getReadOnlyProperty();
  }

  private void updateReadout() {
    int c = selection.characterProperty().get();
    Run r = current.get();
    if (r == null) {
      readout.set("");
    } else if (c < 0 || c >= r.text().length()) {
      readout.set("Select a character (click it, or focus a text and press the arrow keys) "
          + "to read its bits and the model's likeliest characters there.");
    } else {
      Run.ScoredChar ch = r.chars().get(c);
      String alternatives = String.join(", ", ch.alternatives());
      readout.set(String.format("position %d: '%s', %.2f bits under %s%s", c, ch.ch(), ch.bits(), r.model(),
          alternatives.isEmpty() ? "" : "; most likely here: " + alternatives));
    }
  }

  /** Number of characters the selection indexes: the current run's. */
  int selectable() {
    Run r = current.get();
    return r == null ? 0 : r.text().length();
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
    Run r = current.get();
    int p = r == null || r.trace() == null ? 1 : r.trace().patchSize();
    if (c >= 0 && c / p != mixture.positionProperty().get()) {
      mixture.positionProperty().set(c / p);
    }
  }

  /** Writes the current run to a run file. */
  void save(Path file) throws IOException {
    Run r = current.get();
    if (r == null) {
      throw new IllegalStateException("there is no run to save yet: generate or trace first");
    }
    RunFiles.save(r, file);
  }

  /** Opens a run file and shows it in every view, exactly as recorded, under the model it names. */
  void open(Path file) throws IOException {
    Run run = RunFiles.load(file);
    layers.abandon();
    current.replay(run, file.getFileName().toString());
    if (run.generation() != null) {
      generate.adopt(run.generation().request());
    }
    app.statusProperty().set("replaying " + file.getFileName() + " (model " + run.model() + ")");
  }
}
