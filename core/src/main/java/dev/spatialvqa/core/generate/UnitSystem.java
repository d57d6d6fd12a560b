package dev.spatialvqa.core.generate;

/** The unit system an answer states a length in. */
public enum UnitSystem {
  /** metres and centimetres */
  METRIC,
  /** feet and inches */
  IMPERIAL
}
