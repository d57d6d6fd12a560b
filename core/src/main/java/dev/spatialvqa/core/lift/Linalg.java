package dev.spatialvqa.core.lift;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** Small vector helpers and a symmetric 3x3 eigen decomposition (EJML). */
final class Linalg {
  private Linalg() {}

  /** Eigenvalues ascending and their unit eigenvectors (rows of vectors) of a symmetric 3x3. */
  record Eigen3(double[] values, double[][] vectors) {}

  static Eigen3 symmetricEigen(double[] m) {
    DMatrixRMaj a = new DMatrixRMaj(3, 3, true, m);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(3, true, true);
    if (!eig.decompose(a)) {
      throw new IllegalStateException("eigen decomposition failed");
    }
    Integer[] idx = {0, 1, 2};
    double[] vals = new double[3];
    for (int i = 0; i < 3; i++) {
      vals[i] = eig.getEigenvalue(i).getReal();
    }
    java.util.Arrays.sort(idx, (p, q) -> Double.compare(vals[p], vals[q]));
    double[] sorted = new double[3];
    double[][] vecs = new double[3][];
    for (int k = 0; k < 3; k++) {
      sorted[k] = vals[idx[k]];
      DMatrixRMaj v = eig.getEigenVector(idx[k]);
      vecs[k] = normalize(new double[] {v.get(0), v.get(1), v.get(2)});
    }
    return new Eigen3(sorted, vecs);
  }

  static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  static double[] cross(double[] a, double[] b) {
    return new double[] {
      a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]
    };
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static double[] normalize(double[] a) {
    double n = norm(a);
    return new double[] {a[0] / n, a[1] / n, a[2] / n};
  }

  static double[] scale(double[] a, double s) {
    return new double[] {a[0] * s, a[1] * s, a[2] * s};
  }

  /** Angle between two vectors, degrees. */
  static double angleDeg(double[] a, double[] b) {
    double c = dot(a, b) / (norm(a) * norm(b));
    return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c))));
  }
}
