package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The persistent, content-addressed cache of successful responses: {@code llm-cache/{sha256}.json},
 * where the hash covers the URL the request is posted to (base URL and endpoint), the model and the
 * request body in canonical form (object keys sorted, numbers without trailing zeros), so the same
 * request built in a different field order or on another machine finds the same entry, and one sent
 * to another server under the same model name does not. (Entries written before the URL was part of
 * the key are simply never found again.)
 */
final class ResponseCache {

  static final String PREFIX = "llm-cache/";

  private static final System.Logger LOG = System.getLogger(ResponseCache.class.getName());

  private final BlobStore store;
  private final ObjectMapper mapper;

  ResponseCache(BlobStore store, ObjectMapper mapper) {
    this.store = store;
    this.mapper = mapper;
  }

  static String blobKey(String hash) {
    return PREFIX + hash + ".json";
  }

  /** The sha256, in hex, of the canonical form of (URL, model, body). */
  static String hash(ObjectMapper mapper, URI url, String model, JsonNode body) {
    ObjectNode keyed = mapper.createObjectNode();
    keyed.put("url", url.toString());
    keyed.put("model", model);
    keyed.set("body", body);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonicalBytes(mapper, keyed)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static byte[] canonicalBytes(ObjectMapper mapper, JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
      writeCanonical(gen, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeCanonical(JsonGenerator gen, JsonNode node) throws IOException {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      names.sort(null);
      gen.writeStartObject();
      for (String name : names) {
        gen.writeFieldName(name);
        writeCanonical(gen, node.get(name));
      }
      gen.writeEndObject();
    } else if (node.isArray()) {
      gen.writeStartArray();
      for (JsonNode element : node) {
        writeCanonical(gen, element);
      }
      gen.writeEndArray();
    } else if (node.isNumber()) {
      // 1, 1.0 and 1.00 mean the same temperature to a server.
      gen.writeNumber(node.decimalValue().stripTrailingZeros().toPlainString());
    } else {
      gen.writeTree(node);
    }
  }

  /** The cached response, or empty; an unreadable entry counts as a miss. */
  Optional<ObjectNode> get(String hash) {
    String key = blobKey(hash);
    try {
      Optional<byte[]> bytes = store.get(key);
      if (bytes.isEmpty()) {
        return Optional.empty();
      }
      JsonNode node = mapper.readTree(bytes.get());
      if (node != null && node.isObject()) {
        return Optional.of((ObjectNode) node);
      }
      LOG.log(System.Logger.Level.WARNING, "ignoring cache entry {0}: not a JSON object", key);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring unreadable cache entry {0}: {1}", key, e);
    }
    return Optional.empty();
  }

  /** Stores a response; a failure is logged, never thrown: the call itself succeeded. */
  void put(String hash, byte[] response) {
    try {
      store.put(blobKey(hash), response);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot store LLM response " + blobKey(hash), e);
    }
  }

  /** Removes an entry; a failure is logged and reported as false, like a miss. */
  boolean delete(String hash) {
    try {
      return store.delete(blobKey(hash));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove LLM response " + blobKey(hash), e);
      return false;
    }
  }
}
