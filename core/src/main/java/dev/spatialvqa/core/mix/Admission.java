package dev.spatialvqa.core.mix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 *
 * <p><b>Conversations.</b> With {@link #decide(List, List, Set, long, long, ShareRatio, boolean,
 * int)} each candidate is one turn of a conversation (its key, see {@link ExportLayout}) and a
 * conversation costs {@code conversationTokens} once (image and special tokens, see {@link
 * TokenCounter#conversationTokens}): a candidate's charge is its turn tokens, plus {@code
 * conversationTokens} when it is the first admitted turn of its conversation (none admitted before,
 * in this window or earlier ones: {@code open}). First-fit uses that charge, so the image is paid
 * exactly once per conversation that export writes, on its first admitted turn. Deferred and
 * reserved tokens are turn tokens (what the QA would bring without its conversation's cost).
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

    /** Conversations opened by this window (first admitted turn), in admission order. */
    public final List<String> opened;

    /** {@code opened.size() * conversationTokens}: part of {@link #admittedTokens}. */
    public final long openedTokens;

    /**
     * The smallest charge a waiting candidate had when it did not fit ({@code -1} when none
     * waited): what is left of the budget is below it.
     */
    public final long minWaitingCharge;

    Decision(
        List<Integer> admitted,
        List<Integer> deferred,
        List<Integer> reserved,
        long budget,
        long admittedTokens,
        long deferredTokens,
        long reservedTokens,
        List<String> opened,
        long openedTokens,
        long minWaitingCharge) {
      this.admitted = Collections.unmodifiableList(admitted);
      this.deferred = Collections.unmodifiableList(deferred);
      this.reserved = Collections.unmodifiableList(reserved);
      this.budget = budget;
      this.admittedTokens = admittedTokens;
      this.deferredTokens = deferredTokens;
      this.reservedTokens = reservedTokens;
      this.opened = Collections.unmodifiableList(opened);
      this.openedTokens = openedTokens;
      this.minWaitingCharge = minWaitingCharge;
    }

    /** Admitted turn tokens: {@link #admittedTokens} without the conversations' cost. */
    public long admittedTurnTokens() {
      return admittedTokens - openedTokens;
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
    return decide(tokens, null, Set.of(), 0, generalTokens, share, gated, maxDeferred);
  }

  /**
   * Decides one window of conversation turns (see the class comment).
   *
   * @param tokens the candidates' turn tokens, in admission order (each >= 0)
   * @param conversations each candidate's conversation key, or null: every candidate is its own
   *     conversation that costs nothing extra
   * @param open conversations that already have an admitted turn (from earlier windows)
   * @param conversationTokens what a conversation costs once (>= 0)
   */
  public static Decision decide(
      List<Long> tokens,
      List<String> conversations,
      Set<String> open,
      long conversationTokens,
      long generalTokens,
      ShareRatio share,
      boolean gated,
      int maxDeferred) {
    if (conversationTokens < 0) {
      throw new IllegalArgumentException(
          "conversationTokens must be >= 0, got " + conversationTokens);
    }
    if (conversations != null && conversations.size() != tokens.size()) {
      throw new IllegalArgumentException("one conversation key per candidate");
    }
    if (maxDeferred < 0) {
      throw new IllegalArgumentException("maxDeferred must be >= 0, got " + maxDeferred);
    }
    long budget = gated ? share.maxSpatialTokens(generalTokens) : Long.MAX_VALUE;
    List<Integer> admitted = new ArrayList<>();
    List<Integer> waiting = new ArrayList<>();
    long used = 0;
    Set<String> openNow = conversations == null ? Set.of() : new HashSet<>(open);
    List<String> opened = new ArrayList<>();
    long openedTokens = 0;
    long minWaiting = -1;
    for (int i = 0; i < tokens.size(); i++) {
      long t = tokens.get(i);
      if (t < 0) {
        throw new IllegalArgumentException("candidate " + i + " has negative tokens " + t);
      }
      String key = conversations == null ? null : conversations.get(i);
      boolean opens = key != null && !openNow.contains(key);
      long charge = opens ? t + conversationTokens : t;
      if (charge <= budget - used) {
        admitted.add(i);
        used += charge;
        if (opens) {
          openNow.add(key);
          opened.add(key);
          openedTokens += conversationTokens;
        }
      } else {
        waiting.add(i);
        minWaiting = minWaiting < 0 ? charge : Math.min(minWaiting, charge);
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
        admitted,
        deferred,
        reserved,
        gated ? budget : -1,
        used,
        deferredTokens,
        reservedTokens,
        opened,
        openedTokens,
        minWaiting);
  }
}
