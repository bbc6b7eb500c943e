package org.tarflowlm.ui;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * What went wrong with a file, in words for the status line: a file-system exception's own message
 * is often just a path ("/home/me/out/x.csv"), or Java's words ("I/O error writing PNG file!").
 */
final class FileErrors {
  private FileErrors() {}

  static String inWords(Throwable e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied for " + a.getFile();
    }
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + " does not exist";
    }
    if (e instanceof FileAlreadyExistsException x) {
      return x.getFile() + " is a file, not a folder";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      String reason = f.getReason();
      if (reason.contains("No space left")) {
        return "the disk is full (" + f.getFile() + ")";
      }
      if (reason.contains("Not a directory")) {
        return "a part of " + f.getFile() + " is a file, not a folder";
      }
      return reason.substring(0, 1).toLowerCase() + reason.substring(1) + " (" + f.getFile() + ")";
    }
    return ModelWorker.message(e);
  }
}
