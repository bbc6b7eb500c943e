package org.tarflowlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tarflowlm.model.ModelFixtures.host;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Design page, "Channel mixing": even-indexed channels first, then the odd ones; its inverse is exact. */
class ChannelMixTest {

  @ParameterizedTest(name = "c={0}")
  @ValueSource(ints = {1, 5, 10, 20})
  void mixPutsEvenChannelsFirstAndUnmixUndoesItExactly(int channels) {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      try (NDManager m = NDManager.newBaseManager()) {
        ChannelMix mix = new ChannelMix(new Params(m, 1, type), channels);
        double[] x = new double[channels];
        double[] expected = new double[channels];
        int j = 0;
        for (int i = 0; i < channels; i++) {
          x[i] = 100 + i;
        }
        for (int i = 0; i < channels; i += 2) {
          expected[j++] = 100 + i;
        }
        for (int i = 1; i < channels; i += 2) {
          expected[j++] = 100 + i;
        }
        assertArrayEquals(expected, mix.mix(x), 0.0);
        assertArrayEquals(x, mix.unmix(mix.mix(x)), 0.0);
        assertArrayEquals(x, mix.mix(mix.unmix(x)), 0.0);

        // the NDArray versions: exact on awkward values, and the same permutation as the host versions
        NDArray a = ModelFixtures.gaussian(m, new Shape(2, 3, channels), type, channels).mul(1e3).add(1.0 / 3);
        double[][][] ah = host(a);
        double[][][] mixed = host(mix.mix(a));
        double[][][] back = host(mix.unmix(mix.mix(a)));
        for (int b = 0; b < 2; b++) {
          for (int n = 0; n < 3; n++) {
            assertArrayEquals(mix.mix(ah[b][n]), mixed[b][n], 0.0, type + " mix");
            assertArrayEquals(ah[b][n], back[b][n], 0.0, type + " unmix(mix(x))");
            assertArrayEquals(mix.unmix(ah[b][n]), host(mix.unmix(a))[b][n], 0.0, type + " unmix");
          }
        }
      }
    }
  }

  /** toTokens(a, l) brings layer l's input space (mixed l times) back to [B, T, d]. */
  @ParameterizedTest(name = "P={0}")
  @ValueSource(ints = {1, 2, 4})
  void toTokensUndoesThePatchingAndEveryMix(int patch) {
    try (NDManager m = NDManager.newBaseManager()) {
      TarFlowLM model = new TarFlowLM(ModelFixtures.stack(patch, 8), m);
      NDArray z = ModelFixtures.gaussian(m, new Shape(2, 8, 5), DataType.FLOAT32, 3);
      NDArray x = model.toPositions(z);
      assertEquals(new Shape(2, 8 / patch, 5L * patch), x.getShape());
      for (int l = 0; l < 3; l++) {
        NDArray tokens = model.toTokens(x, l);
        assertEquals(z.getShape(), tokens.getShape());
        assertArrayEquals(z.toFloatArray(), tokens.toFloatArray(), 0f, "layer " + l);
        x = model.channelMix().mix(x);
      }
    }
  }
}
