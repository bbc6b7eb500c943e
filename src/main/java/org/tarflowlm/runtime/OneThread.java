package org.tarflowlm.runtime;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs work with the engine on one intra-op thread. Sampling is a few hundred steps of small ops
 * (a context of 128 values per position): each op is too small to split, and with two threads each
 * one waits at a barrier for the slower, so a single busy core (the window drawing, a build) made
 * prompted generation 4 to 10 times slower, 0.2 s becoming 0.8-2.7 s. On one thread it stayed at
 * 0.2 s either way (docs/RESULTS.md, "Generation after a prompt"). Every inverse pass runs so:
 * generation, infill, interpolation and the round-trip check. Evaluation, traces and training keep
 * the engine's threads: their ops are large enough to share.
 */
final class OneThread {
  private OneThread() {}

  static <T> T run(Supplier<T> work) {
    int before = JniUtils.getNumThreads();
    if (before == 1) {
      return work.get();
    }
    JniUtils.setNumThreads(1);
    try {
      return work.get();
    } finally {
      JniUtils.setNumThreads(before);
    }
  }
}
