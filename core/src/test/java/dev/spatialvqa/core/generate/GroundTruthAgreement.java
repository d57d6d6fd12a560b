package dev.spatialvqa.core.generate;

import dev.spatialvqa.schemas.QaKind;
import dev.spatialvqa.schemas.QaRecord;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recomputes QA answers from ground-truth boxes, with definitions written independently of the
 * generator (corners, sampled surfaces), and tallies agreement.
 */
final class GroundTruthAgreement {
  int qualitativeBeyondMargin;
  int qualitativeAgree;
  int qualitativeWithinMargin;

  /** tie answers ("about the same") on pairs whose ground-truth difference is beyond the margin */
  int qualitativeTieOnDecisive;

  int quantitative;
  int within08to125;
  int within05to2;
  int direction;
  int directionWithin1h;
  final Map<String, String> disagreements = new TreeMap<>();
  final Map<String, double[]> ratios = new TreeMap<>();

  /** Per quantitative type: {in [0.8x, 1.25x], in [0.5x, 2x], asked}. */
  final Map<String, int[]> perType = new TreeMap<>();

  /**
   * @param gtScene the ground truth as a scene record (for the tie margin, via the generator)
   */
  static GroundTruthAgreement of(List<QaRecord> qa, GroundTruth gt, QaGenerator generator) {
    GroundTruthAgreement s = new GroundTruthAgreement();
    SceneRecord gtScene = gt.sceneRecord();
    Map<String, SceneObject> gtObjs = new HashMap<>();
    for (SceneObject o : gtScene.getObjects()) {
      gtObjs.put(o.getObjectId(), o);
    }
    for (QaRecord r : qa) {
      String type = r.getQuestionType();
      GroundTruth.Box a = gt.boxes.get(r.getObjectIds().get(0));
      GroundTruth.Box b =
          r.getObjectIds().size() > 1 ? gt.boxes.get(r.getObjectIds().get(1)) : null;
      if (r.getKind() == QaKind.qualitative) {
        String rel = type.substring(0, type.lastIndexOf('_'));
        if (generator.isTie(type, gtObjs.get(a.id()), gtObjs.get(b.id()))) {
          s.qualitativeWithinMargin++;
          continue;
        }
        s.qualitativeBeyondMargin++;
        boolean holds = holds(rel, a, b);
        boolean agree;
        if (type.endsWith("_predicate")) {
          agree = r.getAnswerBool() != null && r.getAnswerBool() == holds;
        } else {
          String winner = holds ? a.id() : b.id();
          agree = winner.equals(r.getAnswerObjectId());
        }
        if (agree) {
          s.qualitativeAgree++;
        } else if (r.getTie()) {
          s.qualitativeTieOnDecisive++;
          s.disagreements.put(
              r.getQaId().substring(0, 8),
              "(tie) " + type + " " + r.getObjectRefs() + ": " + r.getAnswer());
        } else {
          s.disagreements.put(
              r.getQaId().substring(0, 8), type + " " + r.getObjectRefs() + ": " + r.getAnswer());
        }
      } else if (!r.getTie()) {
        double est = r.getValueSi();
        if (type.equals("direction")) {
          double gtH = clock(a, b);
          double d = Math.abs(est - gtH) % 12;
          d = Math.min(d, 12 - d);
          s.direction++;
          if (d <= 1.0) {
            s.directionWithin1h++;
          }
          continue;
        }
        double truth = value(type, a, b, gt.cameraHeight);
        s.quantitative++;
        boolean tight;
        boolean loose;
        if (truth < 0.10) {
          tight = Math.abs(est - truth) <= 0.05;
          loose = Math.abs(est - truth) <= 0.10;
        } else {
          double ratio = est / truth;
          tight = ratio >= 0.8 && ratio <= 1.25;
          loose = ratio >= 0.5 && ratio <= 2.0;
        }
        if (tight) {
          s.within08to125++;
        }
        if (loose) {
          s.within05to2++;
        }
        int[] t = s.perType.computeIfAbsent(type, x -> new int[3]);
        t[0] += tight ? 1 : 0;
        t[1] += loose ? 1 : 0;
        t[2]++;
        s.ratios.put(type + " " + r.getObjectRefs(), new double[] {est, truth});
      }
    }
    return s;
  }

  static boolean holds(String rel, GroundTruth.Box a, GroundTruth.Box b) {
    double[] ca = a.center();
    double[] cb = b.center();
    double wa = a.aabbExtent()[0];
    double wb = b.aabbExtent()[0];
    double va = a.size()[0] * a.size()[1] * a.size()[2];
    double vb = b.size()[0] * b.size()[1] * b.size()[2];
    return switch (rel) {
      case "left" -> ca[0] < cb[0];
      case "right" -> ca[0] > cb[0];
      case "front" -> ca[1] < cb[1];
      case "behind" -> ca[1] > cb[1];
      case "above" -> ca[2] > cb[2];
      case "below" -> ca[2] < cb[2];
      case "taller" -> a.size()[2] > b.size()[2];
      case "shorter" -> a.size()[2] < b.size()[2];
      case "wider" -> wa > wb;
      case "thinner" -> wa < wb;
      case "bigger" -> va > vb;
      case "smaller" -> va < vb;
      default -> throw new IllegalArgumentException(rel);
    };
  }

  static double clock(GroundTruth.Box a, GroundTruth.Box b) {
    double dx = b.center()[0] - a.center()[0];
    double dy = b.center()[1] - a.center()[1];
    double h = Math.toDegrees(Math.atan2(dx, dy)) / 30.0;
    return h <= 0 ? h + 12 : h;
  }

  static double norm(double[] v) {
    return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }

  static double value(String type, GroundTruth.Box a, GroundTruth.Box b, double cameraHeight) {
    switch (type) {
      case "width":
        return a.aabbExtent()[0];
      case "depth":
        return a.aabbExtent()[1];
      case "height":
        return a.size()[2];
      case "size":
        return Math.max(a.size()[0], Math.max(a.size()[1], a.size()[2]));
      case "distance_from_camera":
        return norm(a.centerCamera());
      case "elevation":
        return a.bottomZ() + cameraHeight;
      default:
        break;
    }
    double[] d = {
      b.center()[0] - a.center()[0], b.center()[1] - a.center()[1], b.center()[2] - a.center()[2]
    };
    return switch (type) {
      case "distance" -> norm(d);
      case "horizontal_distance" -> Math.hypot(d[0], d[1]);
      case "vertical_distance" -> Math.abs(d[2]);
      case "taller_by" -> a.size()[2] - b.size()[2];
      case "wider_by" -> a.aabbExtent()[0] - b.aabbExtent()[0];
      case "farther_by" -> norm(a.centerCamera()) - norm(b.centerCamera());
      case "gap" -> sampledGap(a, b);
      default -> throw new IllegalArgumentException(type);
    };
  }

  /** Closest distance between the two boxes, by sampling their surfaces on a grid. */
  static double sampledGap(GroundTruth.Box a, GroundTruth.Box b) {
    double[][] pa = surface(a, 14);
    double[][] pb = surface(b, 14);
    if (inside(a, b.center()) || inside(b, a.center())) {
      return 0;
    }
    double best = Double.POSITIVE_INFINITY;
    for (double[] p : pa) {
      if (inside(b, p)) {
        return 0;
      }
      for (double[] q : pb) {
        double dx = p[0] - q[0];
        double dy = p[1] - q[1];
        double dz = p[2] - q[2];
        best = Math.min(best, dx * dx + dy * dy + dz * dz);
      }
    }
    return Math.sqrt(best);
  }

  private static double[] local(GroundTruth.Box b, double[] p) {
    double c = Math.cos(b.heading());
    double s = Math.sin(b.heading());
    double dx = p[0] - b.center()[0];
    double dy = p[1] - b.center()[1];
    return new double[] {c * dx + s * dy, -s * dx + c * dy, p[2] - b.center()[2]};
  }

  private static boolean inside(GroundTruth.Box b, double[] p) {
    double[] l = local(b, p);
    return Math.abs(l[0]) <= b.size()[0] / 2
        && Math.abs(l[1]) <= b.size()[1] / 2
        && Math.abs(l[2]) <= b.size()[2] / 2;
  }

  private static double[][] surface(GroundTruth.Box b, int n) {
    double c = Math.cos(b.heading());
    double s = Math.sin(b.heading());
    double[][] out = new double[6 * n * n][];
    int k = 0;
    for (int axis = 0; axis < 3; axis++) {
      for (int sign = -1; sign <= 1; sign += 2) {
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            double[] u = new double[3];
            u[axis] = sign * 0.5;
            u[(axis + 1) % 3] = i / (double) (n - 1) - 0.5;
            u[(axis + 2) % 3] = j / (double) (n - 1) - 0.5;
            double lx = u[0] * b.size()[0];
            double ly = u[1] * b.size()[1];
            double lz = u[2] * b.size()[2];
            out[k++] =
                new double[] {
                  b.center()[0] + c * lx - s * ly,
                  b.center()[1] + s * lx + c * ly,
                  b.center()[2] + lz
                };
          }
        }
      }
    }
    return out;
  }

  /** Adds another scene's tallies into this one. */
  void add(GroundTruthAgreement o) {
    qualitativeBeyondMargin += o.qualitativeBeyondMargin;
    qualitativeAgree += o.qualitativeAgree;
    qualitativeWithinMargin += o.qualitativeWithinMargin;
    qualitativeTieOnDecisive += o.qualitativeTieOnDecisive;
    quantitative += o.quantitative;
    within08to125 += o.within08to125;
    within05to2 += o.within05to2;
    direction += o.direction;
    directionWithin1h += o.directionWithin1h;
    o.perType.forEach(
        (k, v) -> {
          int[] t = perType.computeIfAbsent(k, x -> new int[3]);
          for (int i = 0; i < 3; i++) {
            t[i] += v[i];
          }
        });
  }

  double qualitativeAgreement() {
    return qualitativeBeyondMargin == 0 ? 1.0 : qualitativeAgree / (double) qualitativeBeyondMargin;
  }

  /**
   * Agreement of the confident answers (tie answers are abstentions: with the SKIP tie policy they
   * would not be asked at all).
   */
  double confidentAgreement() {
    int confident = qualitativeBeyondMargin - qualitativeTieOnDecisive;
    return confident == 0 ? 1.0 : qualitativeAgree / (double) confident;
  }

  double tightShare() {
    return quantitative == 0 ? 1.0 : within08to125 / (double) quantitative;
  }

  double looseShare() {
    return quantitative == 0 ? 1.0 : within05to2 / (double) quantitative;
  }

  @Override
  public String toString() {
    return String.format(
        "qualitative: %d/%d agree beyond the margin (%d of the rest are tie answers; %d pairs within the margin); quantitative: %d/%d in [0.8x,1.25x], %d/%d in [0.5x,2x]; direction within 1 h: %d/%d",
        qualitativeAgree,
        qualitativeBeyondMargin,
        qualitativeTieOnDecisive,
        qualitativeWithinMargin,
        within08to125,
        quantitative,
        within05to2,
        quantitative,
        directionWithin1h,
        direction);
  }
}
