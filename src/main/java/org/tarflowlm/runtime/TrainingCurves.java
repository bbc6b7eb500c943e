package org.tarflowlm.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tarflowlm.io.AtomicFiles;

/**
 * The learning curves of a training run ({@code curves.csv}: a header, then one row per
 * validation), the one definition of that file: the trainer writes it with {@link #create} and
 * {@link #append}, the model card and the explorer read it with {@link #read}, by column name, so
 * that a file with extra or reordered columns still loads.
 */
public record TrainingCurves(List<Point> points) {
  /** The file name in a run folder and, after {@code card --install}, in a model folder. */
  public static final String FILE = "curves.csv";

  /** The columns, in the order they are written (python/tarflowlm/train.py writes the same). */
  public static final List<String> COLUMNS =
      List.of("step", "stage", "stage_step", "lr", "train_bpc", "val_bpc", "chars_per_s", "seconds");
  /** The file's first line. */
  public static final String HEADER = String.join(",", COLUMNS);

  /**
   * One evaluation: training and validation bits per character at a step of a stage.
   *
   * @param step steps done over all stages
   * @param stage the stage, from 1
   * @param stageStep steps done in the stage
   * @param learningRate the rate of the step
   * @param trainBpc mean training bpc since the previous evaluation
   * @param valBpc validation bpc
   * @param charsPerSecond training characters per second since the previous evaluation
   * @param seconds wall time of the run so far, over all sessions
   */
  public record Point(int step, int stage, int stageStep, double learningRate, double trainBpc, double valBpc,
      double charsPerSecond, double seconds) {
    /** The point as a row of {@link #COLUMNS}: the rate to 3 significant digits, bpc to 4 decimals. */
    public String row() {
      // Locale.ROOT: a German JVM would write decimal commas, which split the row's columns
      return String.format(java.util.Locale.ROOT, "%d,%d,%d,%.3g,%.4f,%.4f,%.0f,%.0f", step, stage, stageStep,
          learningRate, trainBpc, valBpc, charsPerSecond, seconds);
    }
  }

  public TrainingCurves {
    points = List.copyOf(points);
  }

  /** Starts a curves file with the header alone, replacing any file there. */
  public static void create(Path csv) throws IOException {
    Files.writeString(csv, HEADER + "\n");
  }

  /** Appends one row to a curves file that {@link #create} started. */
  public static void append(Path csv, Point point) throws IOException {
    Files.writeString(csv, point.row() + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /**
   * Drops the rows of steps after {@code step}, the checkpoint a run resumes or rolls back to: a
   * run killed after an evaluation it never checkpointed writes that step's row again when it gets
   * there, and its curves would hold it twice.
   */
  public static void trimAfter(Path csv, int step) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<Point> points = read(csv).points(); // one per non-blank row, in order; checks every row
    StringBuilder kept = new StringBuilder(lines.get(0)).append('\n');
    int row = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank() && points.get(row++).step() <= step) {
        kept.append(line).append('\n'); // verbatim: the file keeps the numbers as they were written
      }
    }
    AtomicFiles.writeString(csv, kept.toString());
  }

  /** Reads a curves file; a missing column or a malformed number is an error naming the line. */
  public static TrainingCurves read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv.getFileName() + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).strip().split(","));
    int[] at = new int[COLUMNS.size()]; // where each of COLUMNS is in this file
    for (int c = 0; c < at.length; c++) {
      at[c] = column(header, COLUMNS.get(c), csv);
    }
    List<Point> points = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      try {
        points.add(new Point(Integer.parseInt(f[at[0]]), Integer.parseInt(f[at[1]]), Integer.parseInt(f[at[2]]),
            Double.parseDouble(f[at[3]]), Double.parseDouble(f[at[4]]), Double.parseDouble(f[at[5]]),
            Double.parseDouble(f[at[6]]), Double.parseDouble(f[at[7]])));
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IOException(csv.getFileName() + " line " + (i + 1) + " is not a curves row: " + line, e);
      }
    }
    return new TrainingCurves(points);
  }

  private static int column(List<String> header, String name, Path csv) throws IOException {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IOException(csv.getFileName() + " has no column " + name);
    }
    return i;
  }

  /** The number of stages seen (progressive training trains one layer per stage). */
  public int stages() {
    return points.stream().mapToInt(Point::stage).max().orElse(0);
  }

  /** The lowest validation bpc reached in a stage (1-based), or NaN when it has no evaluation. */
  public double bestValidation(int stage) {
    return points.stream().filter(p -> p.stage() == stage).mapToDouble(Point::valBpc).min().orElse(Double.NaN);
  }

  /** The first step of each stage after the first: where a new layer started training. */
  public List<Integer> stageStarts() {
    List<Integer> starts = new ArrayList<>();
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).stage() != points.get(i - 1).stage()) {
        starts.add(points.get(i - 1).step());
      }
    }
    return starts;
  }
}
