package dev.spatialvqa.core.models;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Copies a remote model file to a local path. The resolver picks the first fetcher that supports
 * the URI's scheme; {@code gs://} (and any other Beam filesystem) is plugged in by the Beam layer.
 */
public interface ModelFetcher {
  boolean supports(String uri);

  /** Writes the file named by {@code uri} to {@code target} (which does not exist yet). */
  void fetch(String uri, Path target) throws IOException;

  /** {@code https://} and {@code http://} through the JDK HttpClient, following redirects. */
  final class Http implements ModelFetcher {
    private final HttpClient client;

    public Http() {
      this.client =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(30))
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }

    @Override
    public boolean supports(String uri) {
      return uri.startsWith("https://") || uri.startsWith("http://");
    }

    @Override
    public void fetch(String uri, Path target) throws IOException {
      HttpRequest req = HttpRequest.newBuilder(URI.create(uri)).GET().build();
      HttpResponse<InputStream> resp;
      try {
        resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching " + uri, e);
      }
      try (InputStream in = resp.body()) {
        if (resp.statusCode() != 200) {
          throw new IOException("GET " + uri + " returned HTTP " + resp.statusCode());
        }
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
