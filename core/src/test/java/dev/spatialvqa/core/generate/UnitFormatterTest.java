package dev.spatialvqa.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitFormatterTest {
  @Test
  void metricRoundsLikeAPerson() {
    assertEquals("1 centimeter", UnitFormatter.length(0.002, UnitSystem.METRIC));
    assertEquals("8 centimeters", UnitFormatter.length(0.081, UnitSystem.METRIC));
    assertEquals("45 centimeters", UnitFormatter.length(0.4432, UnitSystem.METRIC));
    assertEquals("95 centimeters", UnitFormatter.length(0.96, UnitSystem.METRIC));
    assertEquals("1 meter", UnitFormatter.length(0.99, UnitSystem.METRIC));
    assertEquals("1.5 meters", UnitFormatter.length(1.46, UnitSystem.METRIC));
    assertEquals("2 meters", UnitFormatter.length(2.02, UnitSystem.METRIC));
    assertEquals("12 meters", UnitFormatter.length(12.4, UnitSystem.METRIC));
  }

  @Test
  void imperialUsesFeetAndInches() {
    assertEquals("1 inch", UnitFormatter.length(0.01, UnitSystem.IMPERIAL));
    assertEquals("7 inches", UnitFormatter.length(0.178, UnitSystem.IMPERIAL));
    assertEquals("20 inches", UnitFormatter.length(0.508, UnitSystem.IMPERIAL));
    assertEquals("5 feet 3 inches", UnitFormatter.length(1.6, UnitSystem.IMPERIAL));
    assertEquals("3 feet", UnitFormatter.length(0.9144, UnitSystem.IMPERIAL));
    assertEquals("2 feet 2 inches", UnitFormatter.length(0.66, UnitSystem.IMPERIAL));
    assertEquals("16 feet", UnitFormatter.length(4.9, UnitSystem.IMPERIAL));
  }

  @Test
  void statedValueStaysCloseToTheTruth() {
    for (double m = 0.1; m < 30; m *= 1.07) {
      for (UnitSystem s : UnitSystem.values()) {
        double stated = UnitFormatter.statedMetres(m, s);
        assertTrue(Math.abs(stated - m) / m < 0.13, m + " " + s + " -> " + stated);
      }
    }
  }

  @Test
  void clockDirections() {
    assertEquals("12 o'clock", UnitFormatter.clock(0.2));
    assertEquals("12 o'clock", UnitFormatter.clock(11.7));
    assertEquals("3 o'clock", UnitFormatter.clock(2.6));
    assertEquals("9 o'clock", UnitFormatter.clock(9.0));
  }

  @Test
  void rejectsNegativeLengths() {
    assertThrows(IllegalArgumentException.class, () -> UnitFormatter.length(-1, UnitSystem.METRIC));
  }
}
