package org.tarflowlm.model;

/** A coupling's inverse at one position, on the host: the x with forward(x) = h. */
@FunctionalInterface
public interface InverseMap {
  /**
   * @param stepParams the position's {@link Coupling#stepParams}, [k]
   * @param h the position's output, [c]
   * @return its input x, [c]
   */
  double[] inverse(double[] stepParams, double[] h);
}
