package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.tarflowlm.model.RandomStream;

/**
 * Standard normal noise drawn in Java from a seed and a purpose, so that a seed gives the same encoder noise and
 * the same generation on every device and every run.
 */
public final class Noise {
  private final SplittableRandom random;

  /** The noise of a seed for one purpose (see {@link RandomStream}). */
  public Noise(long seed, RandomStream.Purpose purpose) {
    this(seed, purpose, 0);
  }

  /** The noise of a seed, a purpose and an index, such as a training step. */
  public Noise(long seed, RandomStream.Purpose purpose, long index) {
    this.random = RandomStream.of(seed, purpose, index);
  }

  /** One N(0, 1) draw (Box-Muller). */
  public double next() {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform draw in [0, 1). */
  public double uniform() {
    return random.nextDouble();
  }

  /** An integer in [0, bound). */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** An array of N(0, 1) draws of the given shape and float type. */
  public NDArray normal(NDManager manager, DataType type, long... shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) next();
    }
    NDArray a = manager.create(v, new Shape(shape));
    return type == DataType.FLOAT32 ? a : a.toType(type, false);
  }
}
