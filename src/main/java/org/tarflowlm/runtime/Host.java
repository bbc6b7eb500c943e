package org.tarflowlm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.tarflowlm.model.Nd;

/** Copies arrays from the device into plain Java arrays for traces and the UI. */
final class Host {
  private Host() {}

  /** All values as float, whatever the array's float type. */
  static float[] floats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /** A [1, R, C...] array as R rows of C (the product of the trailing axes) values. */
  static float[][] rows(NDArray a) {
    long[] s = a.getShape().getShape();
    int r = (int) s[1];
    float[] flat = floats(a);
    int c = flat.length / r;
    float[][] out = new float[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }

  /** A [1, R, C] array as doubles, in full precision (a float64 array is not rounded to float32 on the way). */
  static double[][] doubleRows(NDArray a) {
    int r = (int) a.getShape().get(1);
    double[] flat = Nd.hostDoubles(a);
    int c = flat.length / r;
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }
}
