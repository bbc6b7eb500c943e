package org.tarflowlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {
  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve(TrainingCurves.FILE), text);
  }

  @Test
  void readsTheTrainersColumnsAndFindsWhereEachLayerStarted() throws IOException {
    TrainingCurves c = TrainingCurves.read(write("""
        step,stage,stage_step,lr,train_bpc,val_bpc,chars_per_s,seconds
        250,1,250,0.00100,3.3800,3.4217,3917,358
        500,1,500,0.000989,3.3258,3.3206,2488,1183
        750,2,250,0.000550,3.1000,3.3300,16453,4888
        800,2,300,0.000100,3.0000,3.3100,15861,4916
        """));
    assertEquals(4, c.points().size());
    assertEquals(new TrainingCurves.Point(500, 1, 500, 0.000989, 3.3258, 3.3206, 2488, 1183), c.points().get(1));
    assertEquals(2, c.stages());
    assertEquals(List.of(500), c.stageStarts());
    assertEquals(3.3206, c.bestValidation(1));
    assertEquals(3.3100, c.bestValidation(2));
    assertTrue(Double.isNaN(c.bestValidation(3)));
  }

  @Test
  void columnsAreFoundByNameNotPosition() throws IOException {
    TrainingCurves c = TrainingCurves.read(write("""
        val_bpc,seconds,train_bpc,step,extra,stage,lr,chars_per_s,stage_step
        2.5,60,2.4,100,x,1,0.001,9000,100
        """));
    assertEquals(new TrainingCurves.Point(100, 1, 100, 0.001, 2.4, 2.5, 9000, 60), c.points().get(0));
  }

  @Test
  void whatTheTrainerWritesReadsBack() throws IOException {
    Path csv = dir.resolve(TrainingCurves.FILE);
    TrainingCurves.create(csv);
    List<TrainingCurves.Point> written = List.of(
        new TrainingCurves.Point(250, 1, 250, 0.00123456, 3.38004, 3.42166, 3917.4, 358.2),
        new TrainingCurves.Point(750, 2, 250, 5.5e-4, 3.1, 3.33, 16453, 4888));
    for (TrainingCurves.Point p : written) {
      TrainingCurves.append(csv, p);
    }
    assertEquals("""
        step,stage,stage_step,lr,train_bpc,val_bpc,chars_per_s,seconds
        250,1,250,0.00123,3.3800,3.4217,3917,358
        750,2,250,0.000550,3.1000,3.3300,16453,4888
        """, Files.readString(csv), "the columns and number formats of every run folder on disk");
    assertEquals(List.of(new TrainingCurves.Point(250, 1, 250, 0.00123, 3.38, 3.4217, 3917, 358), written.get(1)),
        TrainingCurves.read(csv).points(), "read back as written, to the precision of the file");
  }

  @Test
  void rowsAreWrittenTheSameInEveryLocale() {
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertEquals("250,1,250,0.00100,3.3800,3.4200,3917,358",
          new TrainingCurves.Point(250, 1, 250, 0.001, 3.38, 3.42, 3917, 358).row());
    } finally {
      java.util.Locale.setDefault(before);
    }
  }

  @Test
  void aMissingColumnIsRejectedByName() throws IOException {
    Path p = write("step,stage,stage_step,lr,train_bpc,chars_per_s,seconds\n100,1,100,0.001,2.4,9000,60\n");
    IOException e = assertThrows(IOException.class, () -> TrainingCurves.read(p));
    assertTrue(e.getMessage().contains("val_bpc"), e.getMessage());
  }

  @Test
  void aTruncatedRowIsRejectedWithItsLineNumber() throws IOException {
    Path p = write("step,stage,stage_step,lr,train_bpc,val_bpc,chars_per_s,seconds\n250,1,250,0.001,3.38,3.42,3917,358\n500,1,5\n");
    IOException e = assertThrows(IOException.class, () -> TrainingCurves.read(p));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void anEmptyFileIsRejected() throws IOException {
    Path p = write("");
    assertThrows(IOException.class, () -> TrainingCurves.read(p));
  }
}
