package dev.spatialvqa.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spatialvqa.schemas.FetchedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads WebDataset / img2dataset shards: a tar whose members are grouped by key ({@code
 * 000123.jpg}, {@code 000123.json}, {@code 000123.txt}; the key is the member path up to the first
 * dot of its file name, members of one sample are adjacent). Each sample is one input: an image
 * (jpg, jpeg, png, webp, gif, bmp) with optional json metadata ({@code url}, {@code caption},
 * {@code source}, {@code crawl_time}) and optional txt caption. The image is verified with {@link
 * ImageProbe} (magic bytes against the extension, pixel cap, decode). Pure Java (no Beam).
 */
public final class TarShards {
  private static final Set<String> IMAGE_EXT = Set.of("jpg", "jpeg", "png", "webp", "gif", "bmp");
  private static final int MAX_META_BYTES = 1 << 20;

  /** What happened to one sample. */
  public interface Sink {
    void image(FetchedImage image);

    /** A rejected sample: reason code, message, and the sample's reference ({@code shard#key}). */
    void rejected(String reason, String message, String ref);
  }

  private TarShards() {}

  public static boolean isShard(String uri) {
    return uri.toLowerCase(Locale.ROOT).endsWith(".tar");
  }

  /** Reads every sample of a shard; returns the number of samples (inputs). */
  public static long read(
      String shardUri, InputStream in, ImageProbe probe, long maxBytes, Sink sink)
      throws IOException {
    long samples = 0;
    Sample cur = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        String name = e.getName();
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        if (dot < 0) {
          continue; // not part of a sample
        }
        String key = name.substring(0, dot);
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (cur == null || !cur.key.equals(key)) {
          if (cur != null) {
            samples++;
            cur.emit(shardUri, probe, sink);
          }
          cur = new Sample(key);
        }
        if (IMAGE_EXT.contains(ext)) {
          if (e.getSize() > maxBytes) {
            cur.tooLarge = e.getSize();
          } else {
            cur.image = tar.readNBytes((int) e.getSize());
            cur.imageExt = ext;
          }
        } else if (ext.equals("json") && e.getSize() <= MAX_META_BYTES) {
          cur.json = new String(tar.readNBytes((int) e.getSize()), StandardCharsets.UTF_8);
        } else if (ext.equals("txt") && e.getSize() <= MAX_META_BYTES) {
          cur.txt = new String(tar.readNBytes((int) e.getSize()), StandardCharsets.UTF_8).strip();
        }
      }
    }
    if (cur != null) {
      samples++;
      cur.emit(shardUri, probe, sink);
    }
    return samples;
  }

  private static final class Sample {
    final String key;
    byte[] image;
    String imageExt;
    long tooLarge = -1;
    String json;
    String txt;

    Sample(String key) {
      this.key = key;
    }

    void emit(String shardUri, ImageProbe probe, Sink sink) {
      String ref = shardUri + "#" + key;
      try {
        if (tooLarge >= 0) {
          throw new FetchException(
              FetchException.TOO_LARGE, "shard member of " + tooLarge + " bytes");
        }
        if (image == null) {
          throw new FetchException(FetchException.NOT_AN_IMAGE, "sample has no image member");
        }
        String url = ref;
        String caption = txt == null || txt.isEmpty() ? null : txt;
        String source = null;
        Long crawlTime = null;
        if (json != null) {
          JsonNode n;
          try {
            n = JsonLines.read(json);
          } catch (IOException e) {
            throw new FetchException(
                FetchException.MALFORMED_RECORD, "sample json is not valid JSON");
          }
          if (n.hasNonNull("url")) {
            CrawlRecord r = CrawlRecord.fromJson(n);
            url = r.url();
            caption = r.caption() != null ? r.caption() : caption;
            source = r.source();
            crawlTime = r.crawlTimeMillis();
          } else if (caption == null && n.hasNonNull("caption")) {
            caption = n.get("caption").asText();
          }
        }
        ImageFormat sniffed = ImageFormat.sniff(image);
        if (sniffed == null) {
          throw new FetchException(
              FetchException.NOT_AN_IMAGE, "member ." + imageExt + " is not an image");
        }
        String mismatch =
            sniffed.disagreement("image/" + (imageExt.equals("jpg") ? "jpeg" : imageExt));
        if (mismatch != null) {
          throw new FetchException(
              FetchException.CONTENT_TYPE_MISMATCH, "member ." + imageExt + ": " + mismatch);
        }
        ProbeResult p = probe.probe(image);
        sink.image(
            ImageFetcher.toRecord(new CrawlRecord(url, caption, source, crawlTime), image, p));
      } catch (FetchException e) {
        sink.rejected(e.reason(), e.getMessage(), ref);
      }
    }
  }
}
