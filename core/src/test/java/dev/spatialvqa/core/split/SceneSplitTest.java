package dev.spatialvqa.core.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SceneSplitTest {
  @Test
  void sharesHoldOnManyScenesAndAssignmentIsStable() {
    SceneSplit s = SceneSplit.parse("train:0.98,eval:0.02");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20000; i++) {
      ids.add("scene-" + i);
    }
    Map<String, List<String>> g = s.group(ids);
    double evalShare = g.get("eval").size() / 20000.0;
    // binomial sd at p = 0.02, n = 20000: 0.001; 4 sd
    assertEquals(0.02, evalShare, 0.004, "eval share " + evalShare);
    // the set of a scene does not depend on the other scenes, their order, or the spec's object
    SceneSplit again = SceneSplit.parse(" train : 0.98 , eval : 0.02 ");
    for (String id : ids.subList(0, 500)) {
      assertEquals(s.assign(id), again.assign(id));
    }
    // a fixed scene id keeps its place (the hash is part of the data's contract)
    assertEquals(SceneSplit.position("sunrgbd-000001"), SceneSplit.position("sunrgbd-000001"));
    double p = SceneSplit.position("sunrgbd-000001");
    assertTrue(p >= 0 && p < 1);
    assertEquals(s.assign("x"), s.assignImage(List.of("y", "x")));
  }

  @Test
  void badSpecsAreRefused() {
    for (String bad :
        new String[] {
          "",
          "train",
          "train:0.5",
          "train:0.5,eval:0.6",
          "train:1,train:0",
          "train:x",
          "tr ain:1",
          "train:-0.5,eval:1.5",
          "train:0.98,eval:0.02,"
        }) {
      assertThrows(IllegalArgumentException.class, () -> SceneSplit.parse(bad), bad);
    }
    assertEquals(List.of("a", "b", "c"), SceneSplit.parse("a:0.5,b:0.25,c:0.25").names());
  }
}
