package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named float32 parameters of a model, all on one long-lived manager (and so on one device).
 *
 * <p>Initial values are drawn in Java from a seeded generator, so the same seed gives the same
 * model on every device. Names are the safetensors names ({@code layer0.block1.qkv.w}).
 */
public final class Params {
  private final NDManager manager;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();
  private final SplittableRandom random;
  private final DataType dtype;
  /** Values the arrays may hold in all: a model described by an untrusted config is bounded by its weights file. */
  private final long budget;
  private long allocated;

  /** Float32 parameters. */
  public Params(NDManager manager, long seed) {
    this(manager, seed, DataType.FLOAT32);
  }

  /** Parameters of a given float type; tests use float64 to compare with finite differences. */
  public Params(NDManager manager, long seed, DataType dtype) {
    this(manager, seed, dtype, Long.MAX_VALUE);
  }

  /**
   * Parameters that refuse to grow past {@code budget} values (trained and fixed arrays together),
   * before anything that size is allocated.
   */
  public Params(NDManager manager, long seed, DataType dtype, long budget) {
    this.manager = manager;
    this.random = RandomStream.of(seed, RandomStream.Purpose.INIT);
    this.dtype = dtype;
    this.budget = budget;
  }

  /**
   * A zero array of the given shape for a parameter's or a fixed array's values, counted against the
   * budget first: every array a config sizes is allocated here, so an untrusted config is refused
   * before it can ask for more memory than its weights file justifies.
   */
  public float[] allocate(long... shape) {
    return new float[reserve(shape)];
  }

  private int reserve(long... shape) {
    long size = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new ModelTooLargeException("an array of shape " + java.util.Arrays.toString(shape) + " has a negative side");
      }
      size = d == 0 || size <= budget / d ? size * d : Long.MAX_VALUE;
    }
    if (size > budget - allocated || size > Integer.MAX_VALUE - 8) {
      throw new ModelTooLargeException(String.format(
          "the model needs more than %,d values (an array of shape %s after %,d others)", Math.min(budget,
              Integer.MAX_VALUE - 8L), java.util.Arrays.toString(shape), allocated));
    }
    allocated += size;
    return (int) size;
  }

  /** The float type of every parameter. */
  public DataType dtype() {
    return dtype;
  }

  /** A fixed (not trained) array in the parameters' type and on their manager. */
  public NDArray fixed(float[] values, long... shape) {
    return Nd.converted(manager.create(values, new Shape(shape)), dtype);
  }


  /** The manager that owns every parameter. */
  public NDManager manager() {
    return manager;
  }

  /** Parameter by name; fails with the name when it does not exist. */
  public NDArray get(String name) {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalStateException("no parameter named '" + name + "'");
    }
    return a;
  }

  /** All parameters in creation order. */
  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(arrays);
  }

  /** Normal(0, std) initial values. */
  public NDArray normal(String name, float std, long... shape) {
    float[] v = allocate(shape);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (nextGaussian() * std);
    }
    return put(name, v, shape);
  }

  /** A constant initial value. */
  public NDArray constant(String name, float value, long... shape) {
    float[] v = allocate(shape);
    java.util.Arrays.fill(v, value);
    return put(name, v, shape);
  }

  /** Given initial values. */
  public NDArray put(String name, float[] values, long... shape) {
    if (arrays.containsKey(name)) {
      throw new IllegalStateException("parameter '" + name + "' defined twice");
    }
    NDArray a = Nd.converted(manager.create(values, new Shape(shape)), dtype);
    a.setName(name);
    arrays.put(name, a);
    return a;
  }

  /** Replaces a parameter's values (loading weights); the shape must match. */
  public void load(String name, float[] values) {
    NDArray a = get(name);
    if (a.getShape().size() != values.length) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' has " + a.getShape().size() + " values, got " + values.length);
    }
    if (dtype == DataType.FLOAT32) {
      a.set(values);
    } else {
      double[] d = new double[values.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = values[i];
      }
      a.set(d);
    }
  }

  /** Replaces a parameter's values with doubles (a float64 checkpoint); the shape must match. */
  public void load(String name, double[] values) {
    NDArray a = get(name);
    if (a.getShape().size() != values.length) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' has " + a.getShape().size() + " values, got " + values.length);
    }
    if (dtype == DataType.FLOAT64) {
      a.set(values);
    } else {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      a.set(f);
    }
  }

  /** Turns gradient recording on or off for every parameter whose name starts with a prefix. */
  public void setTrainable(String prefix, boolean trainable) {
    arrays.forEach((name, a) -> {
      if (name.startsWith(prefix)) {
        a.setRequiresGradient(trainable);
      }
    });
  }

  /** Number of scalar parameters. */
  public long count() {
    return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  private double nextGaussian() {
    // Box-Muller on SplittableRandom, which (unlike java.util.Random) is splittable and fast.
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
