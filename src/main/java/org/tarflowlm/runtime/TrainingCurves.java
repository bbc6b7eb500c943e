package org.tarflowlm.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The learning curves a training run wrote ({@code curves.csv}: one row per validation), read by
 * column name so that a file with extra or reordered columns still loads.
 */
public record TrainingCurves(List<Point> points) {
  /** The file name in a run folder and, after {@code card --install}, in a model folder. */
  public static final String FILE = "curves.csv";

  /** One evaluation: training and validation bits per character at a step of a stage. */
  public record Point(int step, int stage, double learningRate, double trainBpc, double valBpc, double charsPerSecond) {}

  public TrainingCurves {
    points = List.copyOf(points);
  }

  /** Reads a curves file; a missing column or a malformed number is an error naming the line. */
  public static TrainingCurves read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv.getFileName() + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).strip().split(","));
    int step = column(header, "step", csv);
    int stage = column(header, "stage", csv);
    int lr = column(header, "lr", csv);
    int train = column(header, "train_bpc", csv);
    int val = column(header, "val_bpc", csv);
    int speed = column(header, "chars_per_s", csv);
    List<Point> points = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      try {
        points.add(new Point(Integer.parseInt(f[step]), Integer.parseInt(f[stage]), Double.parseDouble(f[lr]),
            Double.parseDouble(f[train]), Double.parseDouble(f[val]), Double.parseDouble(f[speed])));
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
