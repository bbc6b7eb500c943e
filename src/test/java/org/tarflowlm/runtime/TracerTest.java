package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tarflowlm.model.Direction;
import org.tarflowlm.model.LayerConfig;
import org.tarflowlm.model.LayerInput;
import org.tarflowlm.model.ModelConfig;
import org.tarflowlm.model.RandomStream;
import org.tarflowlm.model.TarFlowLM;
import org.tarflowlm.model.Vocabulary;

class TracerTest {
  private NDManager manager;
  private TarFlowLM model;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    model = RuntimeFixtures.model(RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT), manager);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void traceBitsAddUpToTheElbo() {
    String text = "hello world abcd";
    ForwardTrace t = new Tracer(model, manager, "m").trace(text, 5);
    NDArray ids = manager.create(Vocabulary.encode(text), new Shape(1, 16));
    NDArray eps = new Noise(5, RandomStream.Purpose.ENCODER).normal(manager, DataType.FLOAT32, 1, 16, 5);
    double elboBits = -model.elbo(ids, eps).getFloat() / Math.log(2);
    double sum = 0;
    for (float b : t.totalBits()) {
      sum += b;
    }
    assertEquals(elboBits, sum, 1e-3 * Math.abs(elboBits));
    assertEquals(sum / 16, t.bitsPerChar(), 1e-9);
    assertEquals(4, t.states().size(), "z and the output of three layers");
    // z is a sample around the means (sigma 0.3 in a random unit-scale codebook): nearly all of it decodes back
    String decoded = t.states().get(0).decoded();
    int same = 0;
    for (int i = 0; i < text.length(); i++) {
      same += decoded.charAt(i) == text.charAt(i) ? 1 : 0;
    }
    assertTrue(same >= 14, "z decodes to the text it encodes: " + decoded);
  }

  @Test
  void statesAreLabelledWithTheirLayer() {
    ForwardTrace t = new Tracer(model, manager, "m").trace("hello world abcd", 5);
    assertEquals("layer 1: mixd, left to right", t.states().get(1).label());
    assertEquals("layer 2: mix1, right to left", t.states().get(2).label());
    ModelConfig base = RuntimeFixtures.config(2, 16, Direction.RIGHT_TO_LEFT);
    List<LayerConfig> layers = new ArrayList<>(base.layers());
    LayerConfig first = layers.get(0);
    layers.set(0, new LayerConfig(first.coupling(), first.direction(), first.depth(), first.width(), first.heads(),
        first.components(), LayerInput.POSTERIOR));
    ModelConfig posterior = new ModelConfig(base.type(), base.vocabSize(), base.latentDim(), base.patchSize(),
        base.seqLen(), layers, base.seed());
    ForwardTrace p = new Tracer(RuntimeFixtures.model(posterior, manager), manager, "p").trace("hello world abcd", 5);
    assertEquals("layer 1: mixd, left to right, reads p(k | z)", p.states().get(1).label());
  }

  @Test
  void everyLayerRoundTripsTheTrace() {
    ModelRuntime rt = ModelRuntime.of(model, manager, "m");
    for (double err : rt.roundTripErrors("round trip test", 2)) {
      assertTrue(err < 1e-4, "round-trip error " + err);
    }
  }

  @Test
  void normalizationIsReportedNotHidden() {
    ForwardTrace t = new Tracer(model, manager, "m").trace("Hi, THERE!", 1);
    assertTrue(t.text().changed());
    assertEquals("hi there ", t.text().normalized());
    assertEquals(2, t.text().dropped());
    assertEquals("hi there  ", t.scored(), "padded with a space to a multiple of P = 2");
  }

  @Test
  void aGeneratedRunOfSpacesIsScoredAsWritten() {
    String generated = "ab    cd  ef  gh"; // a P = 2 model can write runs of spaces
    ModelRuntime rt = ModelRuntime.of(model, manager, "m");
    TextBits verbatim = rt.bitsPerChar(NormalizedText.verbatim(generated), 1, 3);
    assertEquals(generated, verbatim.text().normalized());
    assertEquals(generated.length(), verbatim.perChar().length, "one figure per character written");
    NDArray ids = manager.create(Vocabulary.encode(generated), new Shape(1, 16));
    NDArray eps = new Noise(3, RandomStream.Purpose.ENCODER).normal(manager, DataType.FLOAT32, 1, 16, 5);
    double elboBits = -model.elbo(ids, eps).getFloat() / Math.log(2);
    assertEquals(elboBits / 16, verbatim.bitsPerChar(), 1e-3 * Math.abs(elboBits / 16));
    assertEquals("ab cd ef gh", rt.bitsPerChar(generated, 1, 3).text().normalized(),
        "a user's text is still normalized");
  }

  @Test
  void verbatimTextMustAlreadyBeInTheAlphabet() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NormalizedText.verbatim("abc!"));
    assertTrue(e.getMessage().contains("'!'"), e.getMessage());
  }

  @Test
  void firstMixdLayerGivesANextCharacterDistribution() {
    ForwardTrace t = new Tracer(model, manager, "m").trace("abcdefgh", 1);
    assertNotNull(t.nextCharProbs());
    for (float[] p : t.nextCharProbs()) {
      double sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertEquals(1, sum, 1e-5);
    }
  }

  @Test
  void emptyAndTooLongTextsAreRefused() {
    Tracer tracer = new Tracer(model, manager, "m");
    assertThrows(IllegalArgumentException.class, () -> tracer.trace("", 1));
    IllegalArgumentException symbols = assertThrows(IllegalArgumentException.class, () -> tracer.trace("!!! 123", 1));
    assertTrue(symbols.getMessage().contains("no letters"), symbols.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tracer.trace("x".repeat(17), 1));
    assertTrue(e.getMessage().contains("context of 16"), e.getMessage());
  }
}
