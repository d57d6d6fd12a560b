package dev.spatialvqa.pipelines.graph;

import dev.spatialvqa.core.ingest.FetchConfig;
import dev.spatialvqa.pipelines.options.IngestOptions;
import dev.spatialvqa.transforms.ingest.IngestImages;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Duration;

/** Reads {@link IngestOptions} once into plain values for the image entry. */
public final class ImageIngest {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private ImageIngest() {}

  /** Whether the run stops after fetch ({@code --until=fetch}); validates {@code --until}. */
  public static boolean untilFetch(IngestOptions o) {
    String u = o.getUntil() == null ? "" : o.getUntil().strip().toLowerCase(Locale.ROOT);
    if (u.isEmpty()) {
      return false;
    }
    if (!u.equals("fetch")) {
      throw new IllegalArgumentException(
          "--until must be 'fetch' (or empty for the full run), got '" + o.getUntil() + "'");
    }
    return true;
  }

  public static FetchConfig fetchConfig(IngestOptions o) {
    List<String> allow =
        Arrays.stream((o.getAllowNetworks() == null ? "" : o.getAllowNetworks()).split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    try {
      return FetchConfig.defaults()
          .withAllowNetworks(allow)
          .withConnectTimeoutMillis(o.getConnectTimeoutMs())
          .withReadTimeoutMillis(o.getReadTimeoutMs())
          .withMaxBytes(o.getMaxImageBytes())
          .withMaxPixels(o.getMaxImagePixels())
          .withMaxRedirects(o.getMaxRedirects())
          .withMaxRetries(o.getFetchRetries())
          .withPerHostConcurrency(o.getPerHostConcurrency());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad fetch option: " + e.getMessage(), e);
    }
  }

  public static Duration windowSize(IngestOptions o) {
    return duration("windowSize", o.getWindowSize());
  }

  /** The image entry for {@code kind:value}, configured from the options. */
  public static IngestImages source(String kind, String value, IngestOptions o) {
    return IngestImages.from(kind, value)
        .withFetchConfig(fetchConfig(o))
        .withDedupeWindow(windowSize(o))
        .withFetchConcurrency(o.getFetchConcurrency())
        .withKafkaGroupId(o.getKafkaGroupId())
        .withPollInterval(duration("watchInterval", o.getWatchInterval()));
  }

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h}, {@code 1d} (a bare number is
   * seconds).
   */
  public static Duration duration(String name, String v) {
    Matcher m = DURATION.matcher(v == null ? "" : v.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--" + name + " must be a duration like 500ms, 30s, 1m, 2h or 1d, got '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.millis(n);
          case "s" -> Duration.standardSeconds(n);
          case "m" -> Duration.standardMinutes(n);
          case "h" -> Duration.standardHours(n);
          default -> Duration.standardDays(n);
        };
    if (d.getMillis() <= 0) {
      throw new IllegalArgumentException("--" + name + " must be > 0, got '" + v + "'");
    }
    return d;
  }
}
