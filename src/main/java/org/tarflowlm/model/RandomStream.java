package org.tarflowlm.model;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The random streams of the project: every draw comes from a stream named by the seed, the draw's
 * purpose and an index (a training step, say), so that two purposes never read the same numbers.
 *
 * <p>Before streams had purposes, a model initialised with seed 1 and a trace drawn with seed 1
 * read one sequence: the encoder noise of the trace was the codebook's initial means, and layer 1
 * of every trace decoded to "abcdefgh...". Mixing the purpose into the seed rules that out.
 */
public final class RandomStream {
  /** What a stream's draws are for. The names are hashed into the seed: renaming one changes its draws. */
  public enum Purpose {
    /** Parameter initialisation. */
    INIT,
    /** Where training windows start. */
    TRAIN_BATCHES,
    /** The encoder sample z = mu + sigma eps of a training step. */
    TRAIN_NOISE,
    /** The encoder sample of the validation evaluations during training. */
    VALIDATION_NOISE,
    /** The encoder sample of eval, trace and the explorer's views. */
    ENCODER,
    /** The starting noise u and the samples of generation. */
    GENERATION,
    /** The random texts that benchmarks score. */
    BENCH_TEXT,
    /** Where the infill study blanks a span of each window, and how long it is. */
    STUDY_SPANS
  }

  private RandomStream() {
  }

  /** The stream of a seed and a purpose. */
  public static SplittableRandom of(long seed, Purpose purpose) {
    return of(seed, purpose, 0);
  }

  /** The stream of a seed, a purpose and an index (for example one per training step). */
  public static SplittableRandom of(long seed, Purpose purpose, long index) {
    return new SplittableRandom(streamSeed(seed, purpose, index));
  }

  static long streamSeed(long seed, Purpose purpose, long index) {
    return mix64(mix64(mix64(seed) ^ tag(purpose)) + index);
  }

  /** A 64-bit FNV-1a hash of the purpose's name: stable across JVMs, unlike an ordinal or identity. */
  private static long tag(Purpose purpose) {
    long h = 0xcbf29ce484222325L;
    for (byte b : purpose.name().getBytes(StandardCharsets.US_ASCII)) {
      h = (h ^ b) * 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser: every input bit reaches every output bit. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
