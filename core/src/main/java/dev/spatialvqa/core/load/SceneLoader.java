package dev.spatialvqa.core.load;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.image.Images;
import dev.spatialvqa.core.ingest.FetchException;
import dev.spatialvqa.core.ingest.ImageProbe;
import dev.spatialvqa.core.ingest.ProbeResult;
import dev.spatialvqa.core.lift.CameraIntrinsics;
import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.lift.MaskBits;
import dev.spatialvqa.core.metrics.Counts;
import dev.spatialvqa.core.runtime.EngineInfo;
import dev.spatialvqa.schemas.FetchedImage;
import dev.spatialvqa.schemas.Intrinsics;
import dev.spatialvqa.schemas.IntrinsicsSource;
import dev.spatialvqa.schemas.PerceivedObject;
import dev.spatialvqa.schemas.PerceivedScene;
import dev.spatialvqa.schemas.Provenance;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the files a manifest line names and checks them against each other: the image must decode,
 * the depth map and instance map must have the image's size, intrinsics must be plausible. A line
 * with depth becomes a {@link PerceivedScene} (perception came with the input); a line without
 * depth needs perception and becomes a {@link FetchedImage}. Pure Java over a {@link BlobReader}.
 */
public final class SceneLoader {
  /** Byte cap per file (images, depth and instance maps). */
  public static final long MAX_FILE_BYTES = 64L << 20;

  /**
   * Plausible median of a depth map's valid pixels, metres: outside it the depth scale is wrong
   * (millimetres read as metres or the reverse) or the map is not depth.
   */
  public static final double MIN_MEDIAN_DEPTH_M = 0.1;

  public static final double MAX_MEDIAN_DEPTH_M = 300;

  private final BlobReader reader;
  private final Counts counts;

  public SceneLoader(BlobReader reader) {
    this(reader, Counts.NONE);
  }

  /**
   * @param counts receives {@code load.objects_without_instance} (objects whose id is not in a
   *     given instance map: lifted from their box, {@code mask_source = box})
   */
  public SceneLoader(BlobReader reader, Counts counts) {
    this.reader = reader;
    this.counts = counts;
  }

  /** What a manifest line loads to. */
  public sealed interface Loaded permits Scene, NeedsPerception {}

  public record Scene(PerceivedScene scene) implements Loaded {}

  public record NeedsPerception(FetchedImage image) implements Loaded {}

  /** The image's perceptual hash (the scene-dedupe signature), EXIF orientation applied. */
  private static long perceptualHash(byte[] imageBytes, int exifOrientation, String imageUri)
      throws InputException {
    try {
      return dev.spatialvqa.core.dedupe.PerceptualHash.of(
          dev.spatialvqa.core.image.RgbImage.decode(imageBytes, exifOrientation));
    } catch (IOException | RuntimeException ex) {
      throw new InputException(
          "undecodable_image", "image " + imageUri + ": " + ex.getMessage(), ex);
    }
  }

  public Loaded load(ManifestEntry e, String manifestUri, Long eventTime)
      throws InputException, IOException {
    String imageUri = resolve(manifestUri, e.image());
    byte[] imageBytes = reader.read(imageUri, MAX_FILE_BYTES);
    ProbeResult probe;
    try {
      probe = probe().probe(imageBytes);
    } catch (FetchException ex) {
      throw new InputException(
          "pixel_bomb".equals(ex.reason()) ? "too_large" : "undecodable_image",
          "image " + imageUri + ": " + ex.getMessage(),
          ex);
    }
    int w = probe.width();
    int h = probe.height();
    String hash = ContentIds.sha256Hex(imageBytes);

    Intrinsics k = null;
    IntrinsicsSource kSource = null;
    if (e.intrinsics() != null) {
      double[] v = e.intrinsics();
      try {
        new CameraIntrinsics(v[0], v[1], v[2], v[3]).validate(w, h);
      } catch (IllegalArgumentException ex) {
        throw new InputException(
            "bad_intrinsics", "intrinsics of " + e.sceneId() + ": " + ex.getMessage());
      }
      k = new Intrinsics(v[0], v[1], v[2], v[3]);
      kSource = IntrinsicsSource.given;
    }

    if (e.depth() == null) {
      return new NeedsPerception(
          FetchedImage.newBuilder()
              .setUrl(imageUri)
              .setSceneId(e.sceneId())
              .setIntrinsics(k)
              .setContentHash(hash)
              .setFormat(probe.format().id())
              .setExifOrientation(probe.exifOrientation())
              .setFocalLength35mm(probe.focalLength35mm())
              .setWidth(w)
              .setHeight(h)
              .setBytes(ByteBuffer.wrap(imageBytes))
              .setEventTime(eventTime)
              .build());
    }
    if (k == null) {
      IntrinsicsEstimator.Estimate est =
          IntrinsicsEstimator.estimate(w, h, probe.focalLength35mm());
      CameraIntrinsics d = est.intrinsics();
      k = new Intrinsics(d.fx(), d.fy(), d.cx(), d.cy());
      kSource = IntrinsicsSource.valueOf(est.source());
    }

    Long phash = perceptualHash(imageBytes, probe.exifOrientation(), imageUri);

    String depthUri = resolve(manifestUri, e.depth());
    BufferedImage depthImg =
        Images.decode(
            reader.read(depthUri, MAX_FILE_BYTES), "depth map " + depthUri, "undecodable_depth");
    if (depthImg.getWidth() != w || depthImg.getHeight() != h) {
      throw new InputException(
          "depth_size_mismatch",
          "depth map "
              + depthUri
              + " is "
              + depthImg.getWidth()
              + "x"
              + depthImg.getHeight()
              + " but the image is "
              + w
              + "x"
              + h);
    }
    requireSingleChannel(depthImg, depthUri, "depth map", "bad_depth", 16);
    int[] raw = Images.samples(depthImg);
    checkDepthRange(raw, e.depthScaleM(), depthUri);
    ByteBuffer depth = ByteBuffer.allocate(raw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : raw) {
      depth.putFloat((float) (v * e.depthScaleM()));
    }
    depth.flip();

    Map<Integer, byte[]> masks = new HashMap<>();
    if (e.instances() != null) {
      String instUri = resolve(manifestUri, e.instances());
      BufferedImage inst =
          Images.decode(
              reader.read(instUri, MAX_FILE_BYTES),
              "instance map " + instUri,
              "undecodable_instances");
      if (inst.getWidth() != w || inst.getHeight() != h) {
        throw new InputException(
            "instances_size_mismatch",
            "instance map "
                + instUri
                + " is "
                + inst.getWidth()
                + "x"
                + inst.getHeight()
                + " but the image is "
                + w
                + "x"
                + h);
      }
      requireSingleChannel(inst, instUri, "instance map", "bad_instances", 1);
      int[] ids = Images.samples(inst);
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] != 0) {
          MaskBits.set(masks.computeIfAbsent(ids[i], x -> MaskBits.allocate(w, h)), i);
        }
      }
    }

    if (e.instances() != null && !masks.isEmpty() && !e.objects().isEmpty()) {
      boolean any = false;
      for (ManifestEntry.Obj o : e.objects()) {
        any |= masks.containsKey(parseId(o.id()));
      }
      if (!any) {
        throw new InputException(
            "instances_mismatch",
            "instance map "
                + resolve(manifestUri, e.instances())
                + " holds ids "
                + new java.util.TreeSet<>(masks.keySet()).stream().limit(20).toList()
                + " but no object's id is among them (objects[].id must be the map's pixel"
                + " values)");
      }
    }
    List<PerceivedObject> objects = new ArrayList<>();
    for (ManifestEntry.Obj o : e.objects()) {
      byte[] mask = masks.get(parseId(o.id()));
      if (e.instances() != null && mask == null) {
        counts.inc("load.objects_without_instance", 1);
      }
      double[] box = o.box2dXyxy();
      objects.add(
          PerceivedObject.newBuilder()
              .setObjectId(o.id())
              .setCaption(o.caption())
              .setBox2dXyxy(box == null ? null : Arrays.stream(box).boxed().toList())
              .setMask(mask == null ? null : ByteBuffer.wrap(mask))
              .build());
    }

    return new Scene(
        PerceivedScene.newBuilder()
            .setSceneId(e.sceneId())
            .setImageUri(imageUri)
            .setContentHash(hash)
            .setWidth(w)
            .setHeight(h)
            .setIntrinsics(k)
            .setIntrinsicsSource(kSource)
            .setGravityUpCamera(
                e.gravityUpCamera() == null
                    ? null
                    : Arrays.stream(e.gravityUpCamera()).boxed().toList())
            .setDepthM(depth)
            .setObjects(objects)
            .setEventTime(eventTime)
            .setPhash(phash)
            .setProvenance(
                Provenance.newBuilder()
                    .setEngineVersion(EngineInfo.VERSION)
                    .setModels(Map.of("perception", "manifest"))
                    .setSettings(Map.of())
                    .build())
            .build());
  }

  /** An object id as an instance-map value; non-numeric ids cannot appear in a map. */
  private static Integer parseId(String id) {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Refuses a colour image or one with fewer bits per sample than {@code minBits}: an RGB JPEG or
   * an 8-bit PNG given as depth would lift every object to a few centimetres.
   */
  static void requireSingleChannel(
      BufferedImage img, String uri, String what, String reason, int minBits)
      throws InputException {
    int bands = img.getRaster().getNumBands();
    boolean indexed = img.getColorModel() instanceof java.awt.image.IndexColorModel;
    if (bands != 1 || (indexed && minBits > 8)) {
      throw new InputException(
          reason,
          what
              + " "
              + uri
              + " has "
              + (indexed ? "a colour palette" : bands + " channels")
              + "; it must be a single-channel (grey) PNG"
              + (minBits > 8 ? " with 16-bit samples" : " of ids"));
    }
    int bits = img.getRaster().getSampleModel().getSampleSize(0);
    if (bits < minBits) {
      throw new InputException(
          reason,
          what
              + " "
              + uri
              + " has "
              + bits
              + "-bit samples; depth needs 16-bit samples (8 bits hold only 256 levels: with"
              + " depth_scale_m=0.001 nothing beyond 25.5 cm)");
    }
  }

  /**
   * Refuses a depth map whose valid pixels' median, in metres, lies outside [{@value
   * #MIN_MEDIAN_DEPTH_M}, {@value #MAX_MEDIAN_DEPTH_M}]: a wrong {@code depth_scale_m} or not a
   * depth map. A map with no valid pixel at all is refused too.
   */
  static void checkDepthRange(int[] raw, double scale, String uri) throws InputException {
    int[] hist = new int[65536];
    long valid = 0;
    for (int v : raw) {
      if (v > 0) {
        hist[Math.min(v, 65535)]++;
        valid++;
      }
    }
    if (valid == 0) {
      throw new InputException(
          "implausible_depth", "depth map " + uri + " has no valid pixel (all zero)");
    }
    long half = (valid + 1) / 2;
    long seen = 0;
    int median = 0;
    for (int i = 1; i < hist.length; i++) {
      seen += hist[i];
      if (seen >= half) {
        median = i;
        break;
      }
    }
    double m = median * scale;
    if (!(m >= MIN_MEDIAN_DEPTH_M && m <= MAX_MEDIAN_DEPTH_M)) {
      throw new InputException(
          "implausible_depth",
          String.format(
              java.util.Locale.ROOT,
              "depth map %s: median depth of its valid pixels is %.4g m (%d units x depth_scale_m"
                  + " %.6g), outside the plausible [%.1f, %.0f] m; check depth_scale_m",
              uri,
              m,
              median,
              scale,
              MIN_MEDIAN_DEPTH_M,
              MAX_MEDIAN_DEPTH_M));
    }
  }

  /**
   * Resolves a manifest path against the manifest's folder; absolute paths and URIs pass through.
   */
  public static String resolve(String manifestUri, String path) {
    if (path.contains("://") || path.startsWith("/") || path.matches("^[A-Za-z]:[\\\\/].*")) {
      return path;
    }
    if (path.startsWith("file:")) {
      return path;
    }
    int slash = manifestUri.lastIndexOf('/');
    String base = slash < 0 ? "" : manifestUri.substring(0, slash + 1);
    return base + path;
  }

  private static ImageProbe probe() {
    return PROBE;
  }

  /**
   * Pixel cap for manifest images (decompression bombs), checked from the header before decoding.
   */
  public static final long MAX_PIXELS = 100_000_000L;

  private static final ImageProbe PROBE = new ImageProbe(MAX_PIXELS);
}
