package org.tarflowlm.model;

/** A model would hold more values than it is allowed to: its config describes more than its weights hold. */
public final class ModelTooLargeException extends IllegalArgumentException {
  public ModelTooLargeException(String message) {
    super(message);
  }
}
