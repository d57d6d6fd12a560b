package dev.spatialvqa.transforms.ingest;

import dev.spatialvqa.core.ingest.ImageFormat;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.ImageRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Stores each image's bytes as {@code DIR/<content_hash>.<ext>} (any Beam filesystem) and emits its
 * {@link ImageRecord}. Bounded or unbounded; element-wise. Names are content hashes, so a retried
 * bundle rewrites identical files (idempotent). A storage failure throws (the runner retries).
 */
public final class StoreImageBlobs
    extends PTransform<PCollection<FetchedImage>, PCollection<ImageRecord>> {
  private final String directory;

  private StoreImageBlobs(String directory) {
    this.directory = directory;
  }

  /** Blobs under {@code directory} (e.g. {@code OUTPUT/images/blobs}). */
  public static StoreImageBlobs to(String directory) {
    return new StoreImageBlobs(directory);
  }

  @Override
  public PCollection<ImageRecord> expand(PCollection<FetchedImage> images) {
    return images.apply("WriteBlobs", ParDo.of(new StoreFn(directory)));
  }

  static String extension(String format) {
    for (ImageFormat f : ImageFormat.values()) {
      if (f.id().equals(format.toLowerCase(Locale.ROOT))) {
        return f.extension();
      }
    }
    return "bin";
  }

  static final class StoreFn extends DoFn<FetchedImage, ImageRecord> {
    private final String directory;

    StoreFn(String directory) {
      this.directory = directory;
    }

    @ProcessElement
    public void process(@Element FetchedImage img, OutputReceiver<ImageRecord> out)
        throws IOException {
      ResourceId dir = FileSystems.matchNewResource(directory, true);
      ResourceId file =
          dir.resolve(
              img.getContentHash() + "." + extension(img.getFormat()),
              ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
      ByteBuffer bytes = img.getBytes().duplicate();
      long size = bytes.remaining();
      try (OutputStream o =
          Channels.newOutputStream(FileSystems.create(file, "application/octet-stream"))) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        o.write(b);
      }
      out.output(
          ImageRecord.newBuilder()
              .setUrl(img.getUrl())
              .setContentHash(img.getContentHash())
              .setFormat(img.getFormat())
              .setWidth(img.getWidth())
              .setHeight(img.getHeight())
              .setImageUri(file.toString())
              .setSizeBytes(size)
              .setExifOrientation(img.getExifOrientation())
              .setFocalLength35mm(img.getFocalLength35mm())
              .setCaption(img.getCaption())
              .setSource(img.getSource())
              .setEventTime(img.getEventTime())
              .build());
    }
  }
}
