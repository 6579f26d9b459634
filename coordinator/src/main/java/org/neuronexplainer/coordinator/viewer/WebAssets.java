package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages, scripts and styles, read once from the classpath: a fixed list, nothing else served.
 */
final class WebAssets {

  private static final List<String> NAMES =
      List.of(
          "overview.html",
          "neuron.html",
          "search.html",
          "runs.html",
          "run.html",
          "viewer.css",
          "common.js",
          "overview.js",
          "neuron.js",
          "tryit.js",
          "absent.js",
          "heatmap.js",
          "search.js",
          "find.js",
          "runs.js",
          "run.js");

  record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> assets;

  private WebAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  static WebAssets load() {
    Map<String, Asset> assets = new HashMap<>();
    for (String name : NAMES) {
      try (InputStream in = WebAssets.class.getResourceAsStream("/viewer/web/" + name)) {
        if (in == null) {
          throw new IllegalStateException("viewer asset missing from the classpath: " + name);
        }
        assets.put(name, new Asset(in.readAllBytes(), contentType(name)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read viewer asset " + name, e);
      }
    }
    return new WebAssets(assets);
  }

  Optional<Asset> get(String name) {
    return Optional.ofNullable(assets.get(name));
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "text/javascript; charset=utf-8";
  }
}
