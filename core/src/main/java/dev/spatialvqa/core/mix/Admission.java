package dev.spatialvqa.core.mix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-window admission rule of the mix gate, as pure integer arithmetic.
 *
 * <p>Given the spatial candidates of one window in a deterministic order (carried-over ones first,
 * then by event time and QA id; the caller sorts), the window's general tokens {@code G} and the
 * target share {@code num/den}:
 *
 * <ol>
 *   <li>the budget is {@code B = floor(num * G / (den - num))}, the most spatial tokens {@code A}
 *       with {@code A * den <= num * (G + A)};
 *   <li>candidates are admitted first-fit in order: each one whose tokens still fit in what is left
 *       of {@code B} is admitted, one that does not fit is skipped and waits. So the admitted share
 *       never exceeds the target, and when any candidate waits, what is left of the budget is
 *       smaller than the smallest waiting candidate (within one QA of the target);
 *   <li>waiting candidates beyond {@code maxDeferred} (the newest, i.e. last in order) go to the
 *       reserve; the rest are deferred to later windows.
 * </ol>
 *
 * Without a general mix ({@code gated == false}) every candidate is admitted.
 */
public final class Admission {
  private Admission() {}

  /** The outcome of one window: indices into the candidate list, each in candidate order. */
  public static final class Decision {
    public final List<Integer> admitted;
    public final List<Integer> deferred;
    public final List<Integer> reserved;
    public final long budget;
    public final long admittedTokens;
    public final long deferredTokens;
    public final long reservedTokens;

    Decision(
        List<Integer> admitted,
        List<Integer> deferred,
        List<Integer> reserved,
        long budget,
        long admittedTokens,
        long deferredTokens,
        long reservedTokens) {
      this.admitted = Collections.unmodifiableList(admitted);
      this.deferred = Collections.unmodifiableList(deferred);
      this.reserved = Collections.unmodifiableList(reserved);
      this.budget = budget;
      this.admittedTokens = admittedTokens;
      this.deferredTokens = deferredTokens;
      this.reservedTokens = reservedTokens;
    }
  }

  /**
   * Decides one window.
   *
   * @param tokens the candidates' token counts, in admission order (each >= 0)
   * @param generalTokens the window's general-mix tokens
   * @param share the target spatial share
   * @param gated false when there is no general-mix input: everything is admitted
   * @param maxDeferred how many candidates may wait for later windows (>= 0)
   */
  public static Decision decide(
      List<Long> tokens, long generalTokens, ShareRatio share, boolean gated, int maxDeferred) {
    if (maxDeferred < 0) {
      throw new IllegalArgumentException("maxDeferred must be >= 0, got " + maxDeferred);
    }
    long budget = gated ? share.maxSpatialTokens(generalTokens) : Long.MAX_VALUE;
    List<Integer> admitted = new ArrayList<>();
    List<Integer> waiting = new ArrayList<>();
    long used = 0;
    for (int i = 0; i < tokens.size(); i++) {
      long t = tokens.get(i);
      if (t < 0) {
        throw new IllegalArgumentException("candidate " + i + " has negative tokens " + t);
      }
      if (t <= budget - used) {
        admitted.add(i);
        used += t;
      } else {
        waiting.add(i);
      }
    }
    List<Integer> deferred =
        new ArrayList<>(waiting.subList(0, Math.min(maxDeferred, waiting.size())));
    List<Integer> reserved =
        new ArrayList<>(waiting.subList(Math.min(maxDeferred, waiting.size()), waiting.size()));
    long deferredTokens = 0;
    for (int i : deferred) {
      deferredTokens += tokens.get(i);
    }
    long reservedTokens = 0;
    for (int i : reserved) {
      reservedTokens += tokens.get(i);
    }
    return new Decision(
        admitted, deferred, reserved, gated ? budget : -1, used, deferredTokens, reservedTokens);
  }
}
