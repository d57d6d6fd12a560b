package dev.spatialvqa.core.perceive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.core.math.Vectors;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneFilterTest {
  static float[] unit(float... v) {
    return Vectors.normalizedExact(v);
  }

  @Test
  void softmaxMassOfIncludePromptsDecides() {
    SceneFilter f =
        new SceneFilter(
            List.of("room", "street"),
            new float[][] {unit(1, 0, 0), unit(0, 1, 0)},
            List.of("product"),
            new float[][] {unit(0, 0, 1)},
            0.5);

    SceneFilter.Decision room = f.decide(unit(1, 0, 0.1f));
    SceneFilter.Decision product = f.decide(unit(0.1f, 0, 1));

    assertTrue(room.keep());
    assertEquals("room", room.topPrompt());
    assertFalse(product.keep());
    assertEquals("product", product.topPrompt());
    // exact value: logits 100*cos; P(include) = (e^a + e^b) / (e^a + e^b + e^c)
    float[] img = unit(1, 0, 1);
    double a = 100 * Vectors.exactDot(img, unit(1, 0, 0));
    double c = 100 * Vectors.exactDot(img, unit(0, 0, 1));
    double b = 0;
    double expected = (Math.exp(a) + Math.exp(b)) / (Math.exp(a) + Math.exp(b) + Math.exp(c));
    assertEquals(expected, f.decide(img).sceneProbability(), 1e-9);
  }
}
