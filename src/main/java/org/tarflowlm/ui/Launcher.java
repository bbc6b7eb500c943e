package org.tarflowlm.ui;

import javafx.application.Application;

/** Starts the explorer when JavaFX is on the plain classpath (a jar, the command line). */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    Application.launch(ExplorerApp.class, args);
  }
}
