package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Small NDArray helpers the engine lacks. Results of an op belong to the manager of its first
 * operand, so every helper keeps an activation (never a long-lived parameter) first.
 */
public final class Nd {
  /** log(2 pi) / 2. */
  public static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private Nd() {}

  /** {@code x W + b} over the last axis: [..., in] x [in, out] -> [..., out]. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    NDArray y = x.matMul(w);
    return b == null ? y : y.add(b);
  }

  /**
   * The values of x on the host as doubles. A float32 array is copied out as it is and widened
   * here: a cast by the engine first would cost a call of its own (measured: 5.7 against 1.4 us for
   * a sampling step's 27 logits), and a float32 value widens to the same double either way.
   */
  public static double[] hostDoubles(NDArray x) {
    if (x.getDataType() == DataType.FLOAT64) {
      return x.toDoubleArray();
    }
    if (x.getDataType() != DataType.FLOAT32) {
      return x.toType(DataType.FLOAT64, false).toDoubleArray();
    }
    float[] f = x.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /**
   * Host values as an array of a float type: float64 takes them as they are, float32 rounds each
   * once. (Going through float32 on the way to a float64 array had a float64 model read other
   * inputs in its inverse than in its forward.)
   */
  public static NDArray fromHost(NDManager manager, double[] values, Shape shape, DataType type) {
    if (type == DataType.FLOAT64) {
      return manager.create(values, shape);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    NDArray a = manager.create(f, shape);
    return type == DataType.FLOAT32 ? a : a.toType(type, false);
  }

  /** Stable log(sum(exp(x))) over one axis: max + log(sum(exp(x - max))). */
  public static NDArray logSumExp(NDArray x, int axis) {
    NDArray max = x.max(new int[] {axis}, true).stopGradient();
    return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
  }

  /** log N(x; 0, 1) elementwise. */
  public static NDArray standardNormalLogPdf(NDArray x) {
    return x.square().mul(-0.5).sub(HALF_LOG_2PI);
  }

  /** GELU in its tanh form, which {@link Normal#geluTanh} reproduces exactly on the host. */
  public static NDArray geluTanh(NDArray x) {
    NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }

  /** ELU with alpha 1. */
  public static NDArray elu(NDArray x) {
    return x.maximum(0).add(x.minimum(0).exp().sub(1));
  }

  /** Float64 copy that keeps the gradient path: type promotion by a float64 one, since the cast drops it. */
  public static NDArray f64(NDArray x) {
    if (x.getDataType() == DataType.FLOAT64) {
      return x;
    }
    // A 0-d operand does not take part in PyTorch's type promotion, a [1]-shaped one does.
    return x.getShape().dimension() == 0 ? x.mul(x.getManager().create(1.0))
        : x.mul(x.getManager().ones(new Shape(1), DataType.FLOAT64));
  }

  /**
   * x in another float type (x itself when it already is), keeping the gradient path both ways. The
   * engine's cast records no gradient, so a down-cast copies x into a fresh array instead: the
   * recorded copy is differentiable across types. Without it a float32 stack's later layers send
   * no gradient back into the float64 mixture math of the layers before them.
   */
  public static NDArray as(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    if (type == DataType.FLOAT64) {
      return f64(x);
    }
    NDArray y = x.getManager().zeros(x.getShape(), type);
    y.set(new NDIndex("..."), x);
    return y;
  }

  /** A fresh array in another type, closing the original (a parameter or optimizer state loaded from a file). */
  public static NDArray converted(NDArray a, DataType type) {
    if (a.getDataType() == type) {
      return a;
    }
    NDArray t = a.toType(type, false);
    a.close();
    return t;
  }

  /** Moves an op result that landed on a long-lived manager to the caller's scope. */
  public static NDArray scoped(NDArray x, NDManager scope) {
    x.attach(scope);
    return x;
  }
}
