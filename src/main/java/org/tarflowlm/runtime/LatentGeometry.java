package org.tarflowlm.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of a trace's latents: a 2-D PCA fitted on every state's per-character latents (and
 * optionally the codebook means), and the coarse-to-fine measures of the design page (appendix G of
 * the paper) per state: mean L2 norm, mean pairwise cosine similarity, participation ratio of the
 * covariance, and centroid movement from the previous state.
 *
 * @param paths per state, per character, the 2-D projection: [states][T][2]
 * @param codebook the projected codebook means [V][2], or null
 * @param explained fraction of the variance the two components keep
 * @param measures one row per state
 */
public record LatentGeometry(double[][][] paths, double[][] codebook, double explained, List<Measures> measures) {

  /**
   * @param meanNorm mean L2 norm of the position vectors
   * @param meanCosine mean pairwise cosine similarity
   * @param participationRatio (sum lambda)^2 / sum lambda^2 of their covariance
   * @param centroidMovement distance of the centroid from the previous state's (0 for z)
   */
  public record Measures(double meanNorm, double meanCosine, double participationRatio, double centroidMovement) {}

  /** Fits the projection on the trace's latents ([states][T][d]) and, when given, the codebook means [V][d]. */
  public static LatentGeometry of(float[][][] states, float[][] codebookMeans) {
    int d = states[0][0].length;
    List<double[]> all = new ArrayList<>();
    for (float[][] s : states) {
      for (float[] v : s) {
        all.add(toDouble(v));
      }
    }
    if (codebookMeans != null) {
      for (float[] v : codebookMeans) {
        all.add(toDouble(v));
      }
    }
    double[] mean = mean(all, d);
    double[][] cov = covariance(all, mean, d);
    Eigen e = Eigen.symmetric(cov);
    double total = 0;
    for (double l : e.values()) {
      total += Math.max(0, l);
    }
    double kept = Math.max(0, e.values()[0]) + (d > 1 ? Math.max(0, e.values()[1]) : 0);
    double[][][] paths = new double[states.length][][];
    List<Measures> measures = new ArrayList<>();
    double[] previousCentroid = null;
    for (int s = 0; s < states.length; s++) {
      paths[s] = new double[states[s].length][];
      List<double[]> vs = new ArrayList<>();
      for (int t = 0; t < states[s].length; t++) {
        double[] v = toDouble(states[s][t]);
        vs.add(v);
        paths[s][t] = project(v, mean, e, d);
      }
      double[] centroid = mean(vs, d);
      measures.add(new Measures(meanNorm(vs), meanCosine(vs), participationRatio(vs, d),
          previousCentroid == null ? 0 : distance(centroid, previousCentroid)));
      previousCentroid = centroid;
    }
    double[][] cb = null;
    if (codebookMeans != null) {
      cb = new double[codebookMeans.length][];
      for (int k = 0; k < cb.length; k++) {
        cb[k] = project(toDouble(codebookMeans[k]), mean, e, d);
      }
    }
    return new LatentGeometry(paths, cb, total == 0 ? 0 : kept / total, measures);
  }

  private static double[] project(double[] v, double[] mean, Eigen e, int d) {
    double[] out = new double[2];
    for (int c = 0; c < Math.min(2, d); c++) {
      for (int i = 0; i < d; i++) {
        out[c] += (v[i] - mean[i]) * e.vectors()[i][c];
      }
    }
    return out;
  }

  private static double meanNorm(List<double[]> vs) {
    double s = 0;
    for (double[] v : vs) {
      s += Math.sqrt(dot(v, v));
    }
    return s / vs.size();
  }

  private static double meanCosine(List<double[]> vs) {
    if (vs.size() < 2) {
      return 1;
    }
    double s = 0;
    long n = 0;
    for (int a = 0; a < vs.size(); a++) {
      for (int b = a + 1; b < vs.size(); b++) {
        double na = Math.sqrt(dot(vs.get(a), vs.get(a)));
        double nb = Math.sqrt(dot(vs.get(b), vs.get(b)));
        if (na > 0 && nb > 0) {
          s += dot(vs.get(a), vs.get(b)) / (na * nb);
          n++;
        }
      }
    }
    return n == 0 ? 0 : s / n;
  }

  private static double participationRatio(List<double[]> vs, int d) {
    double[][] cov = covariance(vs, mean(vs, d), d);
    double trace = 0;
    double frob = 0; // sum lambda^2 = ||C||_F^2 for a symmetric C
    for (int i = 0; i < d; i++) {
      trace += cov[i][i];
      for (int j = 0; j < d; j++) {
        frob += cov[i][j] * cov[i][j];
      }
    }
    return frob == 0 ? 0 : trace * trace / frob;
  }

  private static double[] mean(List<double[]> vs, int d) {
    double[] m = new double[d];
    for (double[] v : vs) {
      for (int i = 0; i < d; i++) {
        m[i] += v[i] / vs.size();
      }
    }
    return m;
  }

  private static double[][] covariance(List<double[]> vs, double[] mean, int d) {
    double[][] c = new double[d][d];
    for (double[] v : vs) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += (v[i] - mean[i]) * (v[j] - mean[j]) / vs.size();
        }
      }
    }
    return c;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
