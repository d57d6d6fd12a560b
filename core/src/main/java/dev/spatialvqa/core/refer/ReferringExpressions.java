package dev.spatialvqa.core.refer;

import dev.spatialvqa.core.math.Vectors;
import dev.spatialvqa.schemas.SceneObject;
import dev.spatialvqa.schemas.SceneRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Gives each object of a scene a referring expression unique within the scene, or marks it
 * ambiguous. Pure logic (no Beam).
 *
 * <ol>
 *   <li>Objects are grouped when their normalised captions are identical or (with embeddings) their
 *       caption embeddings' cosine similarity exceeds the threshold (transitively).
 *   <li>An object alone in its group is "the &lt;caption&gt;".
 *   <li>In a group of two, the first axis that separates the two by more than its margin gives
 *       comparatives: left/right (canonical x), nearer/farther (distance from the camera),
 *       lower/upper (canonical z; canonicalized scenes only): "the left night stand".
 *   <li>In a larger group, an object that is extreme on an axis by more than the margin gets the
 *       superlative (leftmost/rightmost, nearest/farthest, lowest/highest), and with three objects
 *       well apart left to right the middle one is "the middle ...". An extreme of the group is
 *       also the extreme of any subset, so the expression stays unambiguous however a reader
 *       delimits "the chairs".
 *   <li>Objects left without a qualifier are ambiguous (expression null). Finally, expressions that
 *       collide (e.g. a lone "left chair" and a qualified "chair") are all made ambiguous.
 * </ol>
 */
public final class ReferringExpressions {
  private ReferringExpressions() {}

  /** An object's outcome. */
  public static final class Resolution {
    public final String expression;
    public final boolean ambiguous;

    Resolution(String expression) {
      this.expression = expression;
      this.ambiguous = expression == null;
    }

    @Override
    public String toString() {
      return ambiguous ? "<ambiguous>" : expression;
    }
  }

  /** Lower-case, single-spaced, without a leading article. */
  public static String normalise(String caption) {
    String c =
        caption == null ? "" : caption.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    for (String article : new String[] {"the ", "a ", "an "}) {
      if (c.startsWith(article)) {
        c = c.substring(article.length()).trim();
      }
    }
    return c;
  }

  /** The scene with {@code referring_expression} and {@code ambiguous} set on every object. */
  public static SceneRecord apply(
      SceneRecord scene, float[][] captionEmbeddings, AmbiguityConfig config) {
    List<Resolution> res =
        resolve(scene.getObjects(), captionEmbeddings, scene.getCanonicalized(), config);
    List<SceneObject> objects = new ArrayList<>(res.size());
    for (int i = 0; i < res.size(); i++) {
      objects.add(
          SceneObject.newBuilder(scene.getObjects().get(i))
              .setReferringExpression(res.get(i).expression)
              .setAmbiguous(res.get(i).ambiguous)
              .build());
    }
    return SceneRecord.newBuilder(scene).setObjects(objects).build();
  }

  /**
   * @param captionEmbeddings one unit vector per object (same order), or null to group identical
   *     captions only
   */
  public static List<Resolution> resolve(
      List<SceneObject> objects,
      float[][] captionEmbeddings,
      boolean canonicalized,
      AmbiguityConfig config) {
    int n = objects.size();
    if (captionEmbeddings != null && captionEmbeddings.length != n) {
      throw new IllegalArgumentException(
          captionEmbeddings.length + " caption embeddings for " + n + " objects");
    }
    String[] captions = new String[n];
    for (int i = 0; i < n; i++) {
      captions[i] = normalise(objects.get(i).getCaption());
    }
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        boolean same =
            captions[i].equals(captions[j])
                || (captionEmbeddings != null
                    && Vectors.exactDot(captionEmbeddings[i], captionEmbeddings[j])
                        > config.similarityThreshold());
        if (same) {
          parent[find(parent, i)] = find(parent, j);
        }
      }
    }
    Map<Integer, List<Integer>> groups = new HashMap<>();
    for (int i = 0; i < n; i++) {
      groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
    }
    String[] qualifier = new String[n];
    boolean[] resolved = new boolean[n];
    for (List<Integer> g : groups.values()) {
      if (g.size() == 1) {
        resolved[g.get(0)] = true;
      } else {
        qualify(objects, g, canonicalized, config, qualifier, resolved);
      }
    }
    String[] expr = new String[n];
    Map<String, Integer> uses = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (resolved[i] && !captions[i].isEmpty()) {
        expr[i] = "the " + (qualifier[i] == null ? "" : qualifier[i] + " ") + captions[i];
        uses.merge(expr[i], 1, Integer::sum);
      }
    }
    List<Resolution> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean unique = expr[i] != null && uses.get(expr[i]) == 1;
      out.add(new Resolution(unique ? expr[i] : null));
    }
    return out;
  }

  /** One spatial axis: how to read it and how to say it. */
  private enum Axis {
    LATERAL("left", "right", "leftmost", "rightmost"),
    DEPTH("nearer", "farther", "nearest", "farthest"),
    VERTICAL("lower", "upper", "lowest", "highest");

    final String lowComparative;
    final String highComparative;
    final String lowSuperlative;
    final String highSuperlative;

    Axis(String lc, String hc, String ls, String hs) {
      lowComparative = lc;
      highComparative = hc;
      lowSuperlative = ls;
      highSuperlative = hs;
    }

    double value(SceneObject o) {
      switch (this) {
        case LATERAL:
          return o.getCenter().get(0);
        case DEPTH:
          List<Double> c = o.getCenterCamera();
          return Math.sqrt(c.get(0) * c.get(0) + c.get(1) * c.get(1) + c.get(2) * c.get(2));
        default:
          return o.getCenter().get(2);
      }
    }

    double margin(AmbiguityConfig c) {
      switch (this) {
        case LATERAL:
          return c.lateralMarginM();
        case DEPTH:
          return c.depthMarginM();
        default:
          return c.verticalMarginM();
      }
    }
  }

  private static void qualify(
      List<SceneObject> objects,
      List<Integer> group,
      boolean canonicalized,
      AmbiguityConfig config,
      String[] qualifier,
      boolean[] resolved) {
    List<Axis> axes = new ArrayList<>(Arrays.asList(Axis.LATERAL, Axis.DEPTH));
    if (canonicalized) {
      axes.add(Axis.VERTICAL);
    }
    if (group.size() == 2) {
      int a = group.get(0);
      int b = group.get(1);
      for (Axis axis : axes) {
        double va = axis.value(objects.get(a));
        double vb = axis.value(objects.get(b));
        if (Math.abs(va - vb) > axis.margin(config)) {
          int low = va < vb ? a : b;
          int high = va < vb ? b : a;
          qualifier[low] = axis.lowComparative;
          qualifier[high] = axis.highComparative;
          resolved[low] = true;
          resolved[high] = true;
          return;
        }
      }
      return;
    }
    for (Axis axis : axes) {
      List<Integer> sorted = new ArrayList<>(group);
      sorted.sort(Comparator.comparingDouble(i -> axis.value(objects.get(i))));
      double m = axis.margin(config);
      int k = sorted.size();
      double[] v = new double[k];
      for (int i = 0; i < k; i++) {
        v[i] = axis.value(objects.get(sorted.get(i)));
      }
      if (v[1] - v[0] > m) {
        assign(sorted.get(0), axis.lowSuperlative, qualifier, resolved);
      }
      if (v[k - 1] - v[k - 2] > m) {
        assign(sorted.get(k - 1), axis.highSuperlative, qualifier, resolved);
      }
      if (axis == Axis.LATERAL && k == 3 && v[1] - v[0] > m && v[2] - v[1] > m) {
        assign(sorted.get(1), "middle", qualifier, resolved);
      }
    }
  }

  private static void assign(int i, String q, String[] qualifier, boolean[] resolved) {
    if (!resolved[i]) {
      qualifier[i] = q;
      resolved[i] = true;
    }
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
