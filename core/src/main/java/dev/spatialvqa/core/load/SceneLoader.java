package dev.spatialvqa.core.load;

import dev.spatialvqa.core.ids.ContentIds;
import dev.spatialvqa.core.image.Images;
import dev.spatialvqa.core.ingest.FetchException;
import dev.spatialvqa.core.ingest.ImageProbe;
import dev.spatialvqa.core.ingest.ProbeResult;
import dev.spatialvqa.core.lift.CameraIntrinsics;
import dev.spatialvqa.core.lift.IntrinsicsEstimator;
import dev.spatialvqa.core.lift.MaskBits;
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

  private final BlobReader reader;

  public SceneLoader(BlobReader reader) {
    this.reader = reader;
  }

  /** What a manifest line loads to. */
  public sealed interface Loaded permits Scene, NeedsPerception {}

  public record Scene(PerceivedScene scene) implements Loaded {}

  public record NeedsPerception(FetchedImage image) implements Loaded {}

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
    int[] raw = Images.samples(depthImg);
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
      int[] ids = Images.samples(inst);
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] != 0) {
          MaskBits.set(masks.computeIfAbsent(ids[i], x -> MaskBits.allocate(w, h)), i);
        }
      }
    }

    List<PerceivedObject> objects = new ArrayList<>();
    for (ManifestEntry.Obj o : e.objects()) {
      byte[] mask = null;
      try {
        mask = masks.get(Integer.parseInt(o.id()));
      } catch (NumberFormatException ignored) {
        // non-numeric ids cannot appear in an instance map: box-only object
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
            .setProvenance(
                Provenance.newBuilder()
                    .setEngineVersion(EngineInfo.VERSION)
                    .setModels(Map.of("perception", "manifest"))
                    .setSettings(Map.of())
                    .build())
            .build());
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
