package org.tarflowlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tarflowlm.model.Nd;

/**
 * Adam with decoupled weight decay (AdamW), written on plain NDArrays so that its state can be
 * checkpointed next to the weights and restored exactly.
 */
public final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.99;
  private static final double EPS = 1e-8;

  private final NDManager manager;
  private final double weightDecay;
  private final DataType dtype;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private final Map<String, Integer> t = new LinkedHashMap<>();

  public Adam(NDManager manager, double weightDecay, DataType dtype) {
    this.manager = manager;
    this.dtype = dtype;
    this.weightDecay = weightDecay;
  }

  /**
   * One update of a parameter in place. Temporaries live on {@code scope}.
   *
   * @param grad the (already clipped) gradient, on {@code scope}
   */
  public void update(String name, NDArray param, NDArray grad, double lr, NDManager scope) {
    NDArray mi = m.computeIfAbsent(name, k -> manager.zeros(param.getShape(), param.getDataType()));
    NDArray vi = v.computeIfAbsent(name, k -> manager.zeros(param.getShape(), param.getDataType()));
    int step = t.merge(name, 1, Integer::sum);
    mi.muli(BETA1).addi(grad.mul(1 - BETA1)); // m = b1 m + (1 - b1) g
    vi.muli(BETA2).addi(grad.square().mul(1 - BETA2)); // v = b2 v + (1 - b2) g^2
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    NDArray denom = scoped(vi.div(c2), scope).sqrt().add(EPS);
    NDArray delta = scoped(mi.div(c1), scope).div(denom).mul(lr); // lr * m_hat / (sqrt(v_hat) + eps)
    if (weightDecay > 0 && param.getShape().dimension() >= 2) {
      delta = delta.add(scoped(param.mul(lr * weightDecay), scope));
    }
    param.subi(delta);
  }


  private static NDArray scoped(NDArray a, NDManager scope) {
    a.attach(scope);
    return a;
  }

  /** The state as named arrays (m.NAME, v.NAME) plus step counts, for checkpoints. */
  public Map<String, NDArray> state() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    m.forEach((k, a) -> out.put("adam.m." + k, a));
    v.forEach((k, a) -> out.put("adam.v." + k, a));
    return out;
  }

  public Map<String, Integer> steps() {
    return new LinkedHashMap<>(t);
  }

  /** Restores the state written by {@link #state} and {@link #steps}. */
  public void restore(Map<String, double[]> arrays, Map<String, long[]> shapes, Map<String, Integer> steps) {
    m.values().forEach(NDArray::close);
    v.values().forEach(NDArray::close);
    m.clear();
    v.clear();
    t.clear();
    arrays.forEach((key, data) -> {
      ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(shapes.get(key));
      if (key.startsWith("adam.m.")) {
        m.put(key.substring(7), Nd.converted(manager.create(data, shape), dtype));
      } else if (key.startsWith("adam.v.")) {
        v.put(key.substring(7), Nd.converted(manager.create(data, shape), dtype));
      }
    });
    t.putAll(steps);
  }
}
