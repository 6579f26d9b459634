package org.neuronexplainer.worker.capture.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a {@code tokenizer.json} says about its ids, read from the file itself (the library does not
 * hand them out): each id's token string, the model's vocabulary together with the added tokens,
 * and the id its post-processor puts before a sequence, if any.
 *
 * @param tokens token string by id; an id no token has is null
 * @param bos the id of the special token that starts a sequence (Llama's {@code <s>})
 */
record HfVocabulary(String[] tokens, OptionalInt bos) {
  private static final List<String> MODEL_TYPES =
      List.of("BPE", "Unigram", "WordPiece", "WordLevel");

  static HfVocabulary read(JsonNode root, Path file) {
    Map<Integer, String> byId = new HashMap<>();
    JsonNode model = root.path("model");
    String type = model.path("type").asText("");
    if (!type.isEmpty() && !MODEL_TYPES.contains(type)) {
      // The library's own message for this names no type ("did not match any variant").
      throw new TokenizerException(
          file + ": model type " + type + " is none of the library's " + MODEL_TYPES);
    }
    JsonNode vocab = model.path("vocab");
    if (vocab.isObject()) {
      // BPE, WordPiece, WordLevel: token to id.
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        byId.put(id(entry.getValue(), file), entry.getKey());
      }
    } else if (vocab.isArray()) {
      // Unigram: [piece, score] pairs, the id being the position.
      for (int id = 0; id < vocab.size(); id++) {
        byId.put(id, vocab.get(id).path(0).asText());
      }
    }
    for (JsonNode added : root.path("added_tokens")) {
      byId.put(id(added.path("id"), file), added.path("content").asText());
    }
    if (byId.isEmpty()) {
      throw new TokenizerException(
          file + ": no vocabulary (model.vocab is empty or missing, and no added_tokens)");
    }
    int size = byId.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
    String[] tokens = new String[size];
    byId.forEach((id, token) -> tokens[id] = token);
    return new HfVocabulary(tokens, bos(root.path("post_processor")));
  }

  private static int id(JsonNode node, Path file) {
    if (!node.canConvertToInt() || node.asInt() < 0) {
      throw new TokenizerException(file + ": token id " + node + " is not a non-negative integer");
    }
    return node.asInt();
  }

  /** The first special token of the single-sequence template, looking inside a Sequence. */
  private static OptionalInt bos(JsonNode processor) {
    if (processor.path("type").asText().equals("Sequence")) {
      for (JsonNode inner : processor.path("processors")) {
        OptionalInt found = bos(inner);
        if (found.isPresent()) {
          return found;
        }
      }
      return OptionalInt.empty();
    }
    if (!processor.path("type").asText().equals("TemplateProcessing")) {
      return OptionalInt.empty();
    }
    JsonNode first = processor.path("single").path(0).path("SpecialToken");
    if (first.isMissingNode()) {
      return OptionalInt.empty();
    }
    JsonNode ids = processor.path("special_tokens").path(first.path("id").asText()).path("ids");
    return ids.size() == 1 && ids.get(0).canConvertToInt()
        ? OptionalInt.of(ids.get(0).asInt())
        : OptionalInt.empty();
  }
}
