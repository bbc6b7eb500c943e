package org.tarflowlm.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.Run;

/**
 * The run every view draws, one immutable {@link Run} at a time, with the position selected in its
 * text and the layer state the stepper and Latent trajectories show. View models publish a run
 * here when their job ends and render whatever is here; they never read each other.
 *
 * <p>Jobs take a ticket when they start: a run is published only if no job that started later has
 * published already, so a slow generation never replaces a text traced after it was asked for.
 */
final class CurrentRun {
  private final ReadOnlyObjectWrapper<Run> run = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper replayOf = new ReadOnlyStringWrapper("");
  private final Selection selection = new Selection();
  private final IntegerProperty state = new SimpleIntegerProperty(0);
  private final ObjectBinding<ForwardTrace> trace = Bindings.createObjectBinding(
      () -> run.get() == null ? null : run.get().trace(), run);
  private final StringBinding caption = Bindings.createStringBinding(this::describe, run, replayOf);
  private long issued;
  private long published;
  /** The text of the last run shown, kept while no run is (between a model switch and its text traced again). */
  private String lastText = "";

  /** The run shown; null before the first, and between a model switch and its text traced again. */
  ReadOnlyObjectProperty<Run> runProperty() {
    return run.getReadOnlyProperty();
  }

  Run get() {
    return run.get();
  }

  /** The current run's forward trace, null without one (no run, or a run of the discrete baseline). */
  ObjectBinding<ForwardTrace> traceProperty() {
    return trace;
  }

  /** The run file the current run was opened from; empty for a run made in this session. */
  ReadOnlyStringProperty replayOfProperty() {
    return replayOf.getReadOnlyProperty();
  }

  Selection selection() {
    return selection;
  }

  /** The trace state shown: 0 = z (text side) ... L = u (noise side). */
  IntegerProperty stateProperty() {
    return state;
  }

  /** One line for every view that draws the trace: the model, the text, the encoder seed, and a replay's file. */
  StringBinding captionProperty() {
    return caption;
  }

  /** A ticket for a job that will make a run; take it when the job starts. */
  long begin() {
    return ++issued;
  }

  /**
   * Shows the run of the job holding {@code ticket}, unless a job that started later has shown its
   * run already; returns whether it did.
   */
  boolean publish(long ticket, Run next) {
    if (ticket < published) {
      return false;
    }
    published = ticket;
    show(next, "");
    return true;
  }

  /** Shows a run opened from a file, as recorded; any job still running will not replace it. */
  void replay(Run saved, String file) {
    published = ++issued;
    show(saved, file);
  }

  /** Shows no run: the one shown belonged to a model that is closed now. */
  void clear() {
    published = ++issued;
    show(null, "");
  }

  private void show(Run next, String file) {
    // A selection indexes the run's characters: it survives only where the new run has the same
    // characters up to it (the text traced again on another model, say, but not in the padding of
    // a patch the new model does not have).
    int c = selection.characterProperty().get();
    if (next != null && c >= 0 && !(c < next.text().length() && c < lastText.length()
        && next.text().regionMatches(0, lastText, 0, c + 1))) {
      selection.characterProperty().set(-1);
    }
    if (next != null) {
      lastText = next.text();
    }
    state.set(0);
    replayOf.set(file);
    run.set(next);
  }

  private String describe() {
    Run r = run.get();
    if (r == null) {
      return "no run yet: trace a text here, or generate one";
    }
    String seed = r.trace() == null ? "" : String.format(" (encoder seed %d)", r.trace().seed());
    String read = r.trace() == null ? r.text() : r.trace().text().normalized(); // without a patch's padding
    String line = String.format("%s on \"%s\"%s", r.model(), shorten(read), seed);
    if (!replayOf.get().isEmpty()) {
      line += ", replayed from " + replayOf.get();
    } else if (!r.retracedFrom().isEmpty()) {
      line += ", the text " + r.retracedFrom() + " wrote";
    }
    return line;
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
