package org.tarflowlm.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.ModelRuntime;
import org.tarflowlm.runtime.NormalizedText;

/**
 * The layer stepper: a text's forward trace from z (state 0) to u (state L), the state the user has
 * stepped to, and each layer's round-trip health.
 */
public final class LayersViewModel {
  private final AppViewModel app;
  private final StringProperty text = new SimpleStringProperty("the united states of america");
  private final LongProperty seed = new SimpleLongProperty(1);
  private final ObjectProperty<ForwardTrace> trace = new SimpleObjectProperty<>();
  private final ObjectProperty<double[]> roundTrip = new SimpleObjectProperty<>();
  private final IntegerProperty current = new SimpleIntegerProperty(0);
  private final JobState job;
  /** The text of the current run when it was the last text traced: read verbatim, not normalized. */
  private String runText;
  private final StringProperty caption = new SimpleStringProperty("no run yet: trace a text here, or generate one");

  public LayersViewModel(AppViewModel app) {
    this.app = app;
    this.job = new JobState(app);
    trace.addListener((o, a, t) -> caption.set(t == null ? "no run yet: trace a text here, or generate one"
        : String.format("%s on \"%s\" (encoder seed %d)", t.model(), shorten(t.text().normalized()), t.seed())));
    // A trace belongs to the model that made it: a new model traces the same text again, or clears
    // the views that follow the trace when it has no flow layers.
    app.runtimeProperty().addListener((o, old, rt) -> {
      if (trace.get() == null || rt == null) {
        return;
      }
      roundTrip.set(null);
      trace.set(null);
      if (rt.isBaseline()) {
        job.errorProperty().set(rt.name() + " is the discrete baseline: it has no flow layers to trace");
      } else {
        run();
      }
    });
  }

  /** What the trace shows: the model, the text and the encoder seed, for every view that draws it. */
  public StringProperty captionProperty() {
    return caption;
  }

  /**
   * Traces a text that another view made the current one (a generation, say), character for
   * character: a model's own text is read as written, not normalized (a P > 1 model writes runs of
   * spaces, a padded prompt starts with them), so the trace indexes the same characters as the run.
   */
  public void traceRun(String written) {
    runText = written;
    text.set(written);
    run();
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  public StringProperty textProperty() {
    return text;
  }

  public LongProperty seedProperty() {
    return seed;
  }

  public ObjectProperty<ForwardTrace> traceProperty() {
    return trace;
  }

  public ObjectProperty<double[]> roundTripProperty() {
    return roundTrip;
  }

  /** The state stepped to: 0 = z (text side) ... L = u (noise side). */
  public IntegerProperty currentProperty() {
    return current;
  }

  public BooleanProperty runningProperty() {
    return job.runningProperty();
  }

  public StringProperty errorProperty() {
    return job.errorProperty();
  }

  /** Number of states in the trace (L + 1), 0 before a trace. */
  public int states() {
    return trace.get() == null ? 0 : trace.get().states().size();
  }

  /** Runs the forward trace of the text in the background. */
  public void run() {
    ModelRuntime rt = app.runtime();
    if (rt == null) {
      job.errorProperty().set("no model is open yet");
      return;
    }
    if (rt.isBaseline()) {
      job.errorProperty().set(rt.name() + " is the discrete baseline: it has no flow layers to step through");
      return;
    }
    NormalizedText input = text.get().equals(runText) ? NormalizedText.verbatim(runText) : NormalizedText.of(text.get());
    long s = seed.get();
    job.start(rt, cancelled -> {
      // The runtime's trace and round trip run to their end: Stop takes effect between them and after.
      ForwardTrace t = rt.trace(input, s);
      stopIf(cancelled);
      double[] health = rt.roundTripErrors(t);
      stopIf(cancelled);
      return new Result(t, health);
    }, r -> {
      roundTrip.set(r.roundTrip());
      trace.set(r.trace());
      current.set(0);
    }, () -> job.errorProperty().set("stopped: the trace shown is the one before"));
  }

  /** Stops the running trace: what the view showed before stays. */
  public void stop() {
    job.stop();
  }

  private static void stopIf(java.util.function.BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new java.util.concurrent.CancellationException();
    }
  }

  /** Shows a saved trace as recorded; a trace still running would have replaced it. */
  public void replay(ForwardTrace saved, double[] savedRoundTrip) {
    job.abandon();
    job.errorProperty().set("");
    roundTrip.set(savedRoundTrip);
    trace.set(saved);
    current.set(0);
    if (saved != null) {
      // A generated text was traced verbatim (original and normalized are one); a typed one is
      // normalized again when traced again, as it was the first time.
      runText = saved.text().normalized();
      text.set(saved.text().original());
    }
  }

  /** One layer towards the noise (forward, text -> noise). */
  public void forward() {
    if (current.get() < states() - 1) {
      current.set(current.get() + 1);
    }
  }

  /** One layer towards the text (backward, noise -> text). */
  public void backward() {
    if (current.get() > 0) {
      current.set(current.get() - 1);
    }
  }

  private record Result(ForwardTrace trace, double[] roundTrip) {}
}
