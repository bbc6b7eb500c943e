package org.tarflowlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The body of a flow layer (design page, "The transformer body"): a pre-LayerNorm causal
 * transformer over positions in flow order. Slot t holds a learned start vector (t = 0) or the
 * projection of position t - 1, plus a learned embedding of t, so output t sees only inputs
 * before t and position 0 is conditioned on the start vector alone.
 */
public final class CausalTransformer {
  /** Parameters of one attention + MLP block. */
  private record Block(
      NDArray ln1g, NDArray ln1b, NDArray qkvW, NDArray qkvB, NDArray projW, NDArray projB,
      NDArray ln2g, NDArray ln2b, NDArray fcW, NDArray fcB, NDArray outW, NDArray outB) {}

  /** Queries per block of {@link #blockCausalAttention}: training ran slower at 32 and no faster at 128. */
  private static final int QUERY_BLOCK = 64;

  private final int width;
  private final int heads;
  private final int positions;
  private final NDArray inW; // [channels, D]
  private final NDArray inB; // [D]
  private final NDArray sos; // [D]
  private final NDArray pos; // [N, D]
  private final Block[] blocks;
  private final NDArray lnfG; // [D]
  private final NDArray lnfB; // [D]

  /**
   * @param prefix parameter name prefix, e.g. {@code layer0.}
   * @param channels input channels per position
   * @param positions longest sequence, in flow positions
   */
  public CausalTransformer(Params params, String prefix, int channels, int positions, int depth, int width, int heads) {
    this.width = width;
    this.heads = heads;
    this.positions = positions;
    float std = 0.02f;
    float residualStd = (float) (std / Math.sqrt(2.0 * depth)); // GPT-2: keep the residual stream's variance flat in depth
    inW = params.normal(prefix + "in.w", (float) (1 / Math.sqrt(channels)), channels, width);
    inB = params.constant(prefix + "in.b", 0f, width);
    sos = params.normal(prefix + "sos", std, width);
    pos = params.normal(prefix + "pos", std, positions, width);
    blocks = new Block[depth];
    for (int i = 0; i < depth; i++) {
      String b = prefix + "block" + i + ".";
      blocks[i] = new Block(
          params.constant(b + "ln1.g", 1f, width), params.constant(b + "ln1.b", 0f, width),
          params.normal(b + "qkv.w", std, width, 3L * width), params.constant(b + "qkv.b", 0f, 3L * width),
          params.normal(b + "proj.w", residualStd, width, width), params.constant(b + "proj.b", 0f, width),
          params.constant(b + "ln2.g", 1f, width), params.constant(b + "ln2.b", 0f, width),
          params.normal(b + "fc.w", std, width, 4L * width), params.constant(b + "fc.b", 0f, 4L * width),
          params.normal(b + "out.w", residualStd, 4L * width, width), params.constant(b + "out.b", 0f, width));
    }
    lnfG = params.constant(prefix + "lnf.g", 1f, width);
    lnfB = params.constant(prefix + "lnf.b", 0f, width);
  }

  public int width() {
    return width;
  }

  /** Context for every position: x [B, N, c] in flow order -> [B, N, D]; output t sees x[:, < t]. */
  public NDArray forward(NDArray x) {
    NDManager scope = x.getManager();
    long b = x.getShape().get(0);
    int n = (int) x.getShape().get(1);
    checkLength(n);
    NDArray start = scope.zeros(new Shape(b, 1, width)).add(sos); // [B, 1, D]
    NDArray h = start;
    if (n > 1) {
      NDArray prev = Nd.linear(x.get(":, :{}", n - 1), inW, inB); // [B, N-1, D]
      h = start.concat(prev, 1); // [B, N, D]
    }
    h = h.add(pos.get(scope, new NDIndex(":{}", n))); // + learned position of each slot
    NDArray mask = causalMask(scope, 0, n).toType(x.getDataType(), false); // [N, N]
    for (Block blk : blocks) {
      h = h.add(attention(blk, layerNorm(h, blk.ln1g, blk.ln1b), mask));
      h = h.add(mlp(blk, layerNorm(h, blk.ln2g, blk.ln2b), null));
    }
    return layerNorm(h, lnfG, lnfB);
  }

  /**
   * The weights of one block in torch::linear's [out, in] layout, views of the parameters W [in, out]:
   * torch::linear(x, W^T, b) = x W + b is one engine call, where a product and a sum are two.
   */
  private record StepWeights(NDArray qkv, NDArray proj, NDArray fc, NDArray out) {}

  /**
   * Keys and values of the positions written so far, one pair per block, and the weights a step
   * reads. A sampling step computes the same numbers as {@link #forward} at one slot; at width 64
   * it is bound by per-call overhead, so the cache holds what lets it make fewer engine calls. The
   * speed tricks, all here and in {@link #cachedAttention}:
   * <ol>
   *   <li>x W + b = torch::linear(x, W^T, b): one call instead of a product and a sum, from W^T views
   *       made once ({@link StepWeights}).
   *   <li>Keys are kept transposed, K^T [B, H, hd, t], so q K^T multiplies contiguous arrays.
   *   <li>One new slot: [B, 1, 3D] already has the memory order of [B, 3H, 1, hd], so q, k and v come
   *       from one reshape and one split, and k's transpose [B, H, hd, 1] is a reshape.
   *   <li>q / sqrt(hd) multiplies by a 0-d array made once (mul(Number) makes a new array per call).
   *   <li>The baseline's one-hot input: e_k W_in + b_in = W_in[k] + b_in, a row of a table made once
   *       ({@link #stepToken}).
   * </ol>
   */
  public final class Cache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keysT = new NDArray[blocks.length]; // each [B, H, D/H, t]
    private final NDArray[] values = new NDArray[blocks.length]; // each [B, H, t, D/H]
    private final NDArray inT; // [D, channels]
    private final NDArray scale; // 1 / sqrt(D/H) (trick 4: mul(Number) cost 4x the product)
    private final StepWeights[] weights = new StepWeights[blocks.length];
    // [channels, 1, 1, D]: in(one-hot k) = W_in[k] + b_in, a copy made on first use; a cache lives
    // for one generation, over which the parameters do not change
    private NDArray tokenRows;
    private int length;

    private Cache(NDManager parent) {
      this.manager = parent.newSubManager();
      // 0-d: it takes no part in type promotion, so q keeps the model's type (as mul(Number) does)
      scale = manager.create(1 / Math.sqrt(width / heads));
      inT = outIn(inW);
      for (int i = 0; i < blocks.length; i++) {
        Block blk = blocks[i];
        weights[i] = new StepWeights(outIn(blk.qkvW), outIn(blk.projW), outIn(blk.fcW), outIn(blk.outW));
      }
    }

    private NDArray outIn(NDArray w) {
      NDArray t = w.transpose(); // [in, out] -> [out, in], a view
      t.attach(manager);
      return t;
    }

    /** Positions held. */
    public int length() {
      return length;
    }

    private NDArray append(NDArray[] store, int block, NDArray next, int axis) {
      NDArray all = store[block] == null ? next : store[block].concat(next, axis);
      all.attach(manager);
      if (store[block] != null) {
        store[block].close();
      }
      store[block] = all;
      return all;
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  /** An empty cache whose arrays live under {@code parent}. */
  public Cache newCache(NDManager parent) {
    return new Cache(parent);
  }

  /**
   * Appends slots to the cache in one call and returns the context of the last one. The new slots
   * are the start vector (when the cache is empty), then one per row of {@code prev}: a run of
   * positions whose inputs are known (a prompt) costs one transformer call instead of one each.
   *
   * @param prev inputs of the positions before the new slots, [B, m, c]; null only on an empty cache
   * @return [B, 1, D], on {@code scope}
   */
  public NDArray extend(NDArray prev, int batch, Cache cache, NDManager scope) {
    int t0 = cache.length;
    NDArray h = t0 == 0 ? scope.zeros(new Shape(batch, 1, width)).add(sos) : null; // [B, 1, D]
    if (prev != null) {
      NDArray in = linear(prev, cache.inT, inB); // [B, m, D]
      h = h == null ? in : h.concat(in, 1);
    }
    return run(h, cache, scope);
  }

  /**
   * One sampling step whose input is a one-hot character (the discrete baseline's): in(x) = x W + b
   * of a one-hot x is row {@code token} of W plus b, read from a table instead of multiplied. The
   * values are the product's, which adds only zeros to that row.
   *
   * @param token the character of position t - 1; ignored at t = 0
   * @return [1, 1, D], on {@code scope}
   */
  public NDArray stepToken(int token, Cache cache, NDManager scope) {
    if (cache.length == 0) {
      return extend(null, 1, cache, scope);
    }
    if (cache.tokenRows == null) {
      cache.tokenRows = inW.add(inB).reshape(inW.getShape().get(0), 1, 1, width);
      cache.tokenRows.attach(cache.manager);
    }
    return run(cache.tokenRows.get(scope, new NDIndex(token)), cache, scope); // [1, 1, D]
  }

  /** The blocks over new slots h [B, n, D] after the cached ones; returns the last slot's context. */
  private NDArray run(NDArray h, Cache cache, NDManager scope) {
    int t0 = cache.length;
    int n = (int) h.getShape().get(1);
    checkLength(t0 + n);
    h = h.add(pos.get(scope, new NDIndex().addSliceDim(t0, t0 + n))); // [B, n, D]
    NDArray mask = n == 1 ? null : causalMask(scope, t0, n).toType(h.getDataType(), false); // [n, t0 + n]
    for (int i = 0; i < blocks.length; i++) {
      Block blk = blocks[i];
      h = h.add(cachedAttention(blk, layerNorm(h, blk.ln1g, blk.ln1b), mask, cache, i));
      h = h.add(mlp(blk, layerNorm(h, blk.ln2g, blk.ln2b), cache.weights[i]));
    }
    cache.length = t0 + n;
    NDArray last = n == 1 ? h : h.get(new NDIndex(":, {}:{}", n - 1, n)); // [B, 1, D]
    NDArray out = layerNorm(last, lnfG, lnfB);
    out.attach(scope);
    return out;
  }

  /** Multi-head causal self-attention over a whole sequence: x [B, N, D] -> [B, N, D]. */
  private NDArray attention(Block blk, NDArray x, NDArray mask) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    int hd = width / heads;
    NDArray qkv = Nd.linear(x, blk.qkvW, blk.qkvB).reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4); // [3, B, H, N, hd]
    NDArray q = qkv.get(0).mul(1 / Math.sqrt(hd)); // scaled here: [B, H, N, hd] is smaller than the scores
    NDArray y = blockCausalAttention(q, qkv.get(1), qkv.get(2), mask); // [B, H, N, hd]
    return Nd.linear(y.transpose(0, 2, 1, 3).reshape(b, n, width), blk.projW, blk.projB);
  }

  /**
   * The same for n new slots, attending to the cached ones and to each other. The cache keeps the
   * keys transposed, [B, H, hd, t], so that q K^T multiplies contiguous arrays: on K's transposed
   * view the engine took twice as long (measured: 15.6 against 7.7 us a block at t = 128).
   */
  private NDArray cachedAttention(Block blk, NDArray x, NDArray mask, Cache cache, int block) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    int hd = width / heads;
    StepWeights w = cache.weights[block];
    NDArray q;
    NDArray kT;
    NDArray v;
    if (n == 1) {
      // one position: [B, 1, 3D] has the memory order of [B, 3H, 1, hd]; one split gives q, k, v
      NDList qkv = linear(x, w.qkv, blk.qkvB).reshape(b, 3L * heads, 1, hd).split(3, 1); // 3 x [B, H, 1, hd]
      q = qkv.get(0);
      kT = qkv.get(1).reshape(b, heads, hd, 1); // the same memory order, one position
      v = qkv.get(2);
    } else {
      NDArray qkv = linear(x, w.qkv, blk.qkvB).reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4); // [3, B, H, n, hd]
      q = qkv.get(0);
      kT = qkv.get(1).transpose(0, 1, 3, 2); // [B, H, hd, n]
      v = qkv.get(2);
    }
    q = q.mul(cache.scale); // q / sqrt(hd)
    kT = cache.append(cache.keysT, block, kT, 3); // [B, H, hd, t + n]
    v = cache.append(cache.values, block, v, 2); // [B, H, t + n, hd]
    NDArray scores = q.matMul(kT); // q k^T / sqrt(hd), [B, H, n, t + n]
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray y = scores.softmax(-1).matMul(v); // [B, H, n, hd]
    y = n == 1 ? y.reshape(b, 1, width) : y.transpose(0, 2, 1, 3).reshape(b, n, width); // [B, n, D]
    return linear(y, w.proj, blk.projB);
  }

  /** softmax(q k^T + mask) v: [B, H, N, hd] queries against [B, H, M, hd] keys and values. */
  private static NDArray softmaxAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // q k^T / sqrt(hd), [B, H, N, M]
    if (mask != null) {
      scores = scores.add(mask);
    }
    return scores.softmax(-1).matMul(v);
  }

  /**
   * Causal attention by blocks of queries: the queries of block i attend to the keys of blocks 0..i
   * only, since the mask gives every later key zero weight. Over C blocks that computes (C + 1) / 2C of the full
   * [N, N] scores (5/8 at N = 256), as PyTorch's flash attention skips the masked blocks too.
   */
  private static NDArray blockCausalAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
    int n = (int) q.getShape().get(2);
    if (n <= QUERY_BLOCK) {
      return softmaxAttention(q, k, v, mask);
    }
    NDList blocks = new NDList();
    for (int start = 0; start < n; start += QUERY_BLOCK) {
      int end = Math.min(n, start + QUERY_BLOCK);
      NDArray qi = q.get(new NDIndex(":, :, {}:{}", start, end)); // [B, H, c, hd]
      NDArray ki = k.get(new NDIndex(":, :, :{}", end)); // [B, H, end, hd]
      NDArray vi = v.get(new NDIndex(":, :, :{}", end));
      blocks.add(softmaxAttention(qi, ki, vi, mask.get(new NDIndex("{}:{}, :{}", start, end, end))));
    }
    return NDArrays.concat(blocks, 2);
  }

  /** GELU MLP: x [B, N, D] -> [B, N, D]; given a cache's step weights, each linear map is one engine call. */
  private static NDArray mlp(Block blk, NDArray x, StepWeights w) {
    NDArray hidden = w == null ? Nd.linear(x, blk.fcW, blk.fcB) : linear(x, w.fc, blk.fcB); // [B, N, 4D]
    hidden = Activation.gelu(hidden);
    return w == null ? Nd.linear(hidden, blk.outW, blk.outB) : linear(hidden, w.out, blk.outB);
  }

  /** x W + b from W's [out, in] view, as one torch::linear call. */
  private static NDArray linear(NDArray x, NDArray wOutIn, NDArray b) {
    return Linear.linear(x, wOutIn, b).singletonOrThrow();
  }

  private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
    return LayerNorm.layerNorm(x, new Shape(width), g, b, 1e-5f).singletonOrThrow();
  }

  /**
   * The mask of n new slots after {@code cached} ones: slot cached + i sees keys 0..cached + i; a
   * large negative number hides every later key. [n, cached + n]; [N, N] for a whole sequence.
   */
  private static NDArray causalMask(NDManager scope, int cached, int n) {
    int keys = cached + n;
    float[] m = new float[n * keys];
    for (int i = 0; i < n; i++) {
      for (int j = cached + i + 1; j < keys; j++) {
        m[i * keys + j] = -1e9f;
      }
    }
    return scope.create(m, new Shape(n, keys));
  }

  private void checkLength(int n) {
    if (n > positions) {
      throw new IllegalArgumentException(
          "cannot run " + n + " positions, the model's context is only " + positions + " positions");
    }
  }
}
