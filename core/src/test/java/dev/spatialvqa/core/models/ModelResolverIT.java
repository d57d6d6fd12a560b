package dev.spatialvqa.core.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.spatialvqa.core.ids.ContentIds;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverIT {
  @TempDir Path dir;

  @Test
  void localFileWithMatchingHashIsUsedInPlace() throws Exception {
    Path f = Files.writeString(dir.resolve("m.onnx"), "weights");
    ModelResolver r = new ModelResolver(dir.resolve("cache"), List.of());

    Path got = r.resolve(new FileRef(f.toString(), ModelResolver.sha256(f)), "model 'm'");

    assertEquals(f, got);
    assertEquals(
        f, r.resolve(new FileRef(f.toUri().toString(), ModelResolver.sha256(f)), "model 'm'"));
  }

  @Test
  void wrongHashNamesTheModelAndBothHashes() throws Exception {
    Path f = Files.writeString(dir.resolve("m.onnx"), "weights");
    String wrong = "0".repeat(64);
    ModelResolver r = new ModelResolver(dir.resolve("cache"), List.of());

    ModelException e =
        assertThrows(
            ModelException.class,
            () -> r.resolve(new FileRef(f.toString(), wrong), "model 'depth-x' (role depth)"));

    assertTrue(e.getMessage().contains("model 'depth-x' (role depth)"), e.getMessage());
    assertTrue(e.getMessage().contains(wrong), e.getMessage());
    assertTrue(e.getMessage().contains(ModelResolver.sha256(f)), e.getMessage());
  }

  @Test
  void missingFileIsAClearError() {
    ModelResolver r = new ModelResolver(dir.resolve("cache"), List.of());
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                r.resolve(
                    new FileRef(dir.resolve("nope.onnx").toString(), "a".repeat(64)),
                    "model 'clip'"));
    assertTrue(
        e.getMessage().contains("model 'clip'") && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void httpsFetchIsVerifiedCachedAndNotRefetched() throws Exception {
    byte[] body = "pretend onnx".getBytes(StandardCharsets.UTF_8);
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/m/model.onnx",
        ex -> {
          hits.incrementAndGet();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/m/model.onnx";
      ModelResolver r = ModelResolver.withDefaults(dir.resolve("cache"), List.of());
      FileRef ref = new FileRef(uri, ContentIds.sha256Hex(body));

      Path first = r.resolve(ref, "model 'm'");
      Path second = r.resolve(ref, "model 'm'");

      assertArrayEquals(body, Files.readAllBytes(first));
      assertEquals(first, second);
      assertEquals(1, hits.get());
      assertEquals(dir.resolve("cache").resolve(ref.sha256()).resolve("model.onnx"), first);

      FileRef bad = new FileRef(uri + "?v=2", "b".repeat(64));
      ModelException e = assertThrows(ModelException.class, () -> r.resolve(bad, "model 'm2'"));
      assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
      assertFalse(Files.exists(dir.resolve("cache").resolve(bad.sha256()).resolve("model.onnx")));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void unknownSchemeWithoutFetcherSaysWhatIsSupported() {
    ModelResolver r = new ModelResolver(dir.resolve("cache"), List.of());
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> r.resolve(new FileRef("gs://bucket/m.onnx", "c".repeat(64)), "model 'x'"));
    assertTrue(e.getMessage().contains("no fetcher for gs://bucket/m.onnx"), e.getMessage());
  }
}
