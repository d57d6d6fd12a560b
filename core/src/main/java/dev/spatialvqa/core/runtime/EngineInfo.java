package dev.spatialvqa.core.runtime;

/** The engine's identity, recorded in every record's provenance. */
public final class EngineInfo {
  /** Bump with the project version (pom.xml). */
  public static final String VERSION = "spatialvqa-0.1.0-SNAPSHOT";

  private EngineInfo() {}
}
