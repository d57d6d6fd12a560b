package dev.spatialvqa.core.models;

import dev.spatialvqa.core.ids.ContentIds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link FileRef} into a verified local file. Local paths and {@code file:} URIs are used
 * in place; remote URIs are fetched into {@code cacheDir/<sha256>/<file name>} (written to a temp
 * file and moved into place only once its hash matches). Every file's sha256 is checked before it
 * is handed out, cached or not, so a corrupted cache is caught too.
 */
public final class ModelResolver {
  private final Path cacheDir;
  private final List<ModelFetcher> fetchers;

  public ModelResolver(Path cacheDir, List<ModelFetcher> fetchers) {
    this.cacheDir = cacheDir;
    this.fetchers = List.copyOf(fetchers);
  }

  /** A resolver with the HTTP(S) fetcher plus any extra ones (e.g. Beam's filesystems). */
  public static ModelResolver withDefaults(Path cacheDir, List<ModelFetcher> extra) {
    List<ModelFetcher> all = new ArrayList<>(extra);
    all.add(new ModelFetcher.Http());
    return new ModelResolver(cacheDir, all);
  }

  /** The verified local copy of the model's file (what = "model 'name' (role)" for messages). */
  public Path resolve(FileRef ref, String what) {
    Path local = localPath(ref.uri());
    if (local != null) {
      if (!Files.isRegularFile(local)) {
        throw new ModelException(what + ": file " + ref.uri() + " does not exist");
      }
      verify(local, ref, what);
      return local;
    }
    Path cached = cacheDir.resolve(ref.sha256()).resolve(ref.fileName());
    if (Files.isRegularFile(cached)) {
      verify(cached, ref, what);
      return cached;
    }
    ModelFetcher fetcher =
        fetchers.stream()
            .filter(f -> f.supports(ref.uri()))
            .findFirst()
            .orElseThrow(
                () ->
                    new ModelException(
                        what
                            + ": no fetcher for "
                            + ref.uri()
                            + " (supported: local paths, file:, http(s)://, and gs:// when the GCP filesystem is registered)"));
    try {
      Files.createDirectories(cached.getParent());
      Path tmp = Files.createTempFile(cached.getParent(), ref.fileName(), ".part");
      try {
        Files.delete(tmp);
        fetcher.fetch(ref.uri(), tmp);
        verify(tmp, ref, what);
        try {
          Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return cached;
    } catch (IOException e) {
      throw new ModelException(what + ": cannot fetch " + ref.uri() + ": " + e.getMessage(), e);
    }
  }

  private static Path localPath(String uri) {
    if (uri.startsWith("file:")) {
      return Path.of(java.net.URI.create(uri));
    }
    if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return null;
    }
    return Path.of(uri);
  }

  private static void verify(Path file, FileRef ref, String what) {
    String actual = sha256(file);
    if (!actual.equals(ref.sha256())) {
      throw new ModelException(
          what
              + ": sha256 mismatch for "
              + ref.uri()
              + ": expected "
              + ref.sha256()
              + ", file has "
              + actual
              + " (wrong file, truncated download, or stale config)");
    }
  }

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ContentIds.sha256Hex(in);
    } catch (IOException e) {
      throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
