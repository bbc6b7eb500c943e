package org.tarflowlm.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tarflowlm.model.CouplingType;
import org.tarflowlm.runtime.ForwardTrace;
import org.tarflowlm.runtime.LayerTrace;
import org.tarflowlm.runtime.MixtureInspector;
import org.tarflowlm.runtime.AffineSlice;
import org.tarflowlm.runtime.CouplingSlice;
import org.tarflowlm.runtime.MixtureSlice;
import org.tarflowlm.runtime.ModelRuntime;

/**
 * The mixture view's state: the layer (1-based), flow position and channel selected in the run the
 * layer stepper traced, and the {@link MixtureSlice} the runtime computed for them.
 *
 * <p>Threads: the codebook is read once per open model by a {@link ModelWorker} job; a slice is
 * then host arithmetic on the trace (a few thousand scalar Normal evaluations, well under a
 * millisecond) and is computed on the calling (UI) thread as soon as the selection changes. No
 * engine call ever runs on the UI thread.
 */
public final class MixtureViewModel {
  /** One bar of the weights chart. */
  public record Bar(int component, String label, double weight, boolean actual) {}

  private final AppViewModel app;
  private final CurrentRun current;
  private final IntegerProperty layer = new SimpleIntegerProperty(1);
  private final IntegerProperty position = new SimpleIntegerProperty(0);
  private final IntegerProperty channel = new SimpleIntegerProperty(0);
  private final ObjectProperty<CouplingSlice> slice = new SimpleObjectProperty<>();
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty summary = new SimpleStringProperty("");
  private final StringProperty hLabel = new SimpleStringProperty("");
  private final StringProperty layerLabel = new SimpleStringProperty("");
  private final BooleanProperty loading = new SimpleBooleanProperty();
  private final ObservableList<String> positionLabels = FXCollections.observableArrayList();
  private MixtureInspector inspector;
  private ModelRuntime inspected;
  private boolean adjusting;
  private long requests;

  /** The model and the text of the trace this view draws. */
  public javafx.beans.binding.StringBinding captionProperty() {
    return current.captionProperty();
  }

  MixtureViewModel(AppViewModel app, CurrentRun current) {
    this.app = app;
    this.current = current;
    current.traceProperty().addListener((o, a, t) -> onTrace(t));
    app.runtimeProperty().addListener((o, a, rt) -> {
      inspector = null;
      inspected = null;
      if (current.traceProperty().get() != null) {
        onTrace(current.traceProperty().get());
      }
    });
    ChangeListener<Number> selection = (o, a, b) -> {
      if (!adjusting) {
        clamp();
        recompute();
      }
    };
    layer.addListener(selection);
    position.addListener(selection);
    channel.addListener(selection);
    if (current.traceProperty().get() != null) {
      onTrace(current.traceProperty().get());
    }
  }

  /** The selected layer, 1-based as the trace's states (layer l produces state l). */
  public IntegerProperty layerProperty() {
    return layer;
  }

  /** The selected flow position, sequence order, in [0, N). */
  public IntegerProperty positionProperty() {
    return position;
  }

  /** The selected channel of the layer's input, its own channel order, in [0, c). */
  public IntegerProperty channelProperty() {
    return channel;
  }

  /** The run shown: the layer stepper's own trace. */
  public javafx.beans.binding.ObjectBinding<ForwardTrace> traceProperty() {
    return current.traceProperty();
  }

  /** The mixture (or affine map) at the selection; null before a trace or on an error. */
  public ReadOnlyObjectProperty<CouplingSlice> sliceProperty() {
    return slice;
  }

  public StringProperty errorProperty() {
    return error;
  }

  /** One line: x, F(x), h and the density at x (or the affine map). */
  public ReadOnlyStringProperty summaryProperty() {
    return summary;
  }

  /** {@code h = Phi^-1(F(x)) = ...} for a mixture, {@code h = (x - b) exp(-a) = ...} for affine. */
  public ReadOnlyStringProperty hLabelProperty() {
    return hLabel;
  }

  /** The selected layer's label in the trace, e.g. {@code layer 1: mixd, left to right}. */
  public ReadOnlyStringProperty layerLabelProperty() {
    return layerLabel;
  }

  /** True while the codebook is being read. */
  public BooleanProperty loadingProperty() {
    return loading;
  }

  /** One label per flow position: its index and its characters (spaces shown as a visible mark). */
  public ObservableList<String> positionLabels() {
    return positionLabels;
  }

  /** Number of flow layers in the trace (0 before a trace). */
  public int layerCount() {
    ForwardTrace t = current.traceProperty().get();
    return t == null ? 0 : t.states().size() - 1;
  }

  /** Number of flow positions N (0 before a trace). */
  public int positionCount() {
    ForwardTrace t = current.traceProperty().get();
    return t == null ? 0 : t.states().get(1).input().length;
  }

  /** Number of channels c of a position (0 before a trace). */
  public int channelCount() {
    ForwardTrace t = current.traceProperty().get();
    return t == null ? 0 : t.states().get(1).input()[0].length;
  }

  /** The characters of flow position n in the traced text. */
  public String positionText(int n) {
    ForwardTrace t = current.traceProperty().get();
    int p = t.patchSize();
    return t.scored().substring(n * p, n * p + p);
  }

  /**
   * The heaviest components, at most {@code max}, by decreasing weight (a next-character
   * distribution for Mix-d), and after them the actual character when it is not among them;
   * empty for affine or before a slice. Mix-d labels show a space as a visible mark.
   */
  public List<Bar> topWeights(int max) {
    List<Bar> bars = new ArrayList<>();
    if (!(slice.get() instanceof MixtureSlice s)) {
      return bars;
    }
    int[] order = s.mixture().byWeight();
    boolean actualShown = false;
    for (int r = 0; r < Math.min(max, order.length); r++) {
      int k = order[r];
      bars.add(bar(s, k));
      actualShown |= s.isActual(k);
    }
    if (!actualShown) {
      s.token().ifPresent(t -> bars.add(bar(s, t.actual())));
    }
    return bars;
  }

  private static Bar bar(MixtureSlice s, int k) {
    return new Bar(k, label(s, k), s.mixture().weights()[k], s.isActual(k));
  }

  /** Component k's label for display: a Mix-d character with its space made visible. */
  static String label(MixtureSlice s, int k) {
    return s.coupling() == CouplingType.MIXD ? visible(s.labels().get(k)) : s.labels().get(k);
  }

  /** Shows a symbol with its space made visible. */
  static String visible(String s) {
    return s.replace(' ', '\u2423');
  }

  private void onTrace(ForwardTrace t) {
    long ticket = ++requests;
    loading.set(false);
    positionLabels.clear();
    if (t == null) {
      slice.set(null);
      summary.set(""); // the figures of the run that is gone (the model's switched away, say)
      hLabel.set("");
      layerLabel.set("");
      error.set("");
      return;
    }
    List<String> labels = new ArrayList<>();
    for (int n = 0; n < positionCount(); n++) {
      labels.add(n + "  '" + visible(positionText(n)) + "'");
    }
    positionLabels.setAll(labels);
    clamp();
    ModelRuntime rt = app.runtime();
    if (inspector != null && inspected == rt) {
      recompute();
      return;
    }
    if (rt == null) { // a replayed run: Mix-1 and affine layers need no codebook
      inspector = new MixtureInspector(null);
      inspected = null;
      recompute();
      return;
    }
    slice.set(null);
    loading.set(true);
    app.worker().submit(c -> MixtureInspector.of(rt), insp -> {
      if (ticket != requests) {
        return; // a later trace or model asked again
      }
      loading.set(false);
      inspector = insp;
      inspected = rt;
      recompute();
    }, () -> loading.set(false), msg -> {
      if (ticket == requests) {
        loading.set(false);
        error.set(msg);
      }
    });
  }

  /** Brings the selection into the trace's ranges without recomputing on every change. */
  private void clamp() {
    if (current.traceProperty().get() == null) {
      return;
    }
    adjusting = true;
    try {
      layer.set(Math.max(1, Math.min(layerCount(), layer.get())));
      position.set(Math.max(0, Math.min(positionCount() - 1, position.get())));
      channel.set(Math.max(0, Math.min(channelCount() - 1, channel.get())));
    } finally {
      adjusting = false;
    }
  }

  private void recompute() {
    ForwardTrace t = current.traceProperty().get();
    if (t == null || inspector == null) {
      slice.set(null);
      return;
    }
    LayerTrace state = t.states().get(layer.get());
    layerLabel.set(state.label());
    try {
      if (MixtureInspector.couplingOf(state) == CouplingType.MIXD) {
        if (inspected == null) {
          throw new IllegalStateException("a Mix-d layer's components are the codebook Gaussians: open the model "
              + t.model() + " to see them");
        }
        if (!t.model().equals(inspected.name())) {
          throw new IllegalStateException("this trace is from " + t.model() + " but " + inspected.name()
              + " is open: its codebook would not match; trace the text again in Flow layers");
        }
      }
      CouplingSlice s = inspector.slice(t, layer.get(), position.get(), channel.get());
      describe(s);
      error.set("");
      slice.set(s);
    } catch (IllegalArgumentException | IllegalStateException e) {
      slice.set(null);
      summary.set("");
      hLabel.set("");
      error.set(e.getMessage());
    }
  }

  private void describe(CouplingSlice slice) {
    if (slice instanceof AffineSlice a) {
      hLabel.set(String.format("h = (x \u2212 b)\u00b7exp(\u2212a) = %.4f", a.h()));
      summary.set(String.format("x = %.4f   shift b = %.4f   log-scale a = %.4f   scale exp(a) = %.4f   h = %.4f",
          a.x(), a.shift(), a.logScale(), a.scale(), a.h()));
      return;
    }
    MixtureSlice s = (MixtureSlice) slice;
    hLabel.set(String.format("h = \u03a6\u207b\u00b9(F(x)) = %.4f", s.h()));
    StringBuilder line = new StringBuilder(String.format("x = %.4f   F(x) = %.6f   h = %.4f   p(x) = %.4f", s.x(),
        s.cdf(), s.h(), s.densityAtX()));
    s.token().ifPresent(t -> line.append(String.format(
        "   actual '%s': weight %.3f, rank %d of %d   (token %d, its channel %d)",
        visible(s.labels().get(t.actual())), s.mixture().weights()[t.actual()], s.mixture().rankOf(t.actual()),
        s.mixture().components(), t.index(), t.channel())));
    summary.set(line.toString());
  }
}
