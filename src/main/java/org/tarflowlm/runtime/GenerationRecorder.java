package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what a generation reports for its {@link Run.Generation} (the layout, the starting noise,
 * each pass's writes and sweeps) and passes every report on to the listener it wraps. Called on
 * the generating thread only.
 */
final class GenerationRecorder implements GenerationListener {
  private final GenerationListener next;
  private Template layout;
  private String noise = "";
  private final List<List<Run.Write>> writes = new ArrayList<>();
  private final List<List<SweepResult>> sweeps = new ArrayList<>();
  private List<Run.Write> passWrites = new ArrayList<>();
  private List<SweepResult> passSweeps = new ArrayList<>();

  GenerationRecorder(GenerationListener next) {
    this.next = next;
  }

  @Override
  public void onStart(Template start, String startNoise) {
    layout = start;
    noise = startNoise;
    next.onStart(start, startNoise);
  }

  @Override
  public void onStep(int iteration, int layer, int step, int position, String chars) {
    passWrites.add(new Run.Write(position, chars));
    next.onStep(iteration, layer, step, position, chars);
  }

  @Override
  public void onSweep(SweepResult sweep) {
    passSweeps.add(sweep);
    next.onSweep(sweep);
  }

  @Override
  public void onPass(PassResult pass) {
    writes.add(passWrites);
    sweeps.add(passSweeps);
    passWrites = new ArrayList<>();
    passSweeps = new ArrayList<>();
    next.onPass(pass);
  }

  /** What was to be written; every generator reports it before its first step. */
  Template layout() {
    if (layout == null) {
      throw new IllegalStateException("the generation reported no layout");
    }
    return layout;
  }

  String noise() {
    return noise;
  }

  List<List<Run.Write>> writes() {
    return writes;
  }

  List<List<SweepResult>> sweeps() {
    return sweeps;
  }
}
