package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.transforms.errors.LocalProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a bounded run on a local runner, on stderr: inputs accounted for (reached the last
 * stage, filtered or dead-lettered) of those read so far, the rate, and an ETA. On a terminal it
 * redraws one bar line each second; otherwise (a log file, CI) it prints a plain line every {@code
 * plainEvery}. Counts come from {@link LocalProgress}; streaming and remote runs report the same
 * counts as Beam metrics (namespace {@code spatialvqa}: {@code inputs}, {@code out.*}, {@code
 * filtered.*}, {@code dead.*}).
 */
public final class ProgressReporter implements AutoCloseable {
  private final PrintStream err;
  private final boolean tty;
  private final Duration plainEvery;
  private final long start = System.nanoTime();
  private final Thread thread;
  private volatile boolean stopped;
  private String lastPlain = "";

  private ProgressReporter(PrintStream err, boolean tty, Duration plainEvery) {
    this.err = err;
    this.tty = tty;
    this.plainEvery = plainEvery;
    this.thread = new Thread(this::loop, "spatialvqa-progress");
    this.thread.setDaemon(true);
  }

  /** Starts reporting (a daemon thread); {@link #close()} prints the final line and stops. */
  public static ProgressReporter start(PrintStream err, Duration plainEvery) {
    LocalProgress.reset();
    ProgressReporter r = new ProgressReporter(err, System.console() != null, plainEvery);
    r.thread.start();
    return r;
  }

  private void loop() {
    long interval = tty ? 1000 : Math.max(1000, plainEvery.toMillis());
    try {
      while (!stopped) {
        Thread.sleep(interval);
        if (!stopped) {
          print(false);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One progress line from the counts so far. */
  static String line(long done, long read, double seconds) {
    double rate = seconds > 0 ? done / seconds : 0;
    String eta =
        rate > 0 && read > done ? ", ETA " + clock((read - done) / rate) : read > 0 ? "" : "";
    return String.format(
        Locale.ROOT,
        "progress: %d/%d scenes done (%s), %.2f scenes/s, %s elapsed%s",
        done,
        read,
        read > 0 ? Math.round(100.0 * done / read) + "% of those read so far" : "reading input",
        rate,
        clock(seconds),
        eta);
  }

  static String bar(long done, long read, int width) {
    int filled = read <= 0 ? 0 : (int) Math.min(width, width * done / read);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** The last line: what was accounted for in all. */
  static String finalLine(long done, long read, double seconds) {
    return String.format(
        Locale.ROOT,
        "progress: done: %d of %d scenes accounted for in %s (%.2f scenes/s)",
        done,
        read,
        clock(seconds),
        seconds > 0 ? done / seconds : 0);
  }

  private synchronized void print(boolean last) {
    long done = LocalProgress.done();
    long read = LocalProgress.inputs();
    double seconds = (System.nanoTime() - start) / 1e9;
    String l = last ? finalLine(done, read, seconds) : line(done, read, seconds);
    if (tty) {
      err.print("\r" + bar(done, read, 30) + " " + l.substring("progress: ".length()) + "\u001b[K");
      if (last) {
        err.println();
      }
      err.flush();
    } else if (!l.equals(lastPlain)) {
      err.println(l);
      lastPlain = l;
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    print(true);
  }
}
