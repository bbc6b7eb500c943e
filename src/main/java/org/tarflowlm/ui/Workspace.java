package org.tarflowlm.ui;

import java.util.concurrent.Executor;

/** Every view model of one window, wired to one app state (the app and the UI tests build it the same way). */
final class Workspace {
  final AppViewModel app;
  final GenerateViewModel generate;
  final LayersViewModel layers;
  final RefinementViewModel refinement;
  final TrajectoryViewModel trajectory;

  Workspace(AppViewModel app, Executor ui) {
    this.app = app;
    this.generate = new GenerateViewModel(app, ui);
    this.layers = new LayersViewModel(app);
    this.refinement = new RefinementViewModel(app, ui);
    this.trajectory = new TrajectoryViewModel(app, layers);
  }
}
