package dev.spatialvqa.qa;

import java.io.Serializable;

/** Settings of {@link QaGenerator}; immutable, start from {@link #defaults()}. */
public final class QaConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int qaPerScene;

  private QaConfig(int qaPerScene) {
    this.qaPerScene = qaPerScene;
  }

  public static QaConfig defaults() {
    return new QaConfig(60);
  }

  public int qaPerScene() {
    return qaPerScene;
  }

  public QaConfig withQaPerScene(int value) {
    if (value < 1 || value > 10_000) {
      throw new IllegalArgumentException("qaPerScene must be in [1, 10000], got " + value);
    }
    return new QaConfig(value);
  }
}
