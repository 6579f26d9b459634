package org.neuronexplainer.worker.capture.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a subject model's tokenizer from Hugging Face's files. */
final class TokenizerFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String END_OF_TEXT = "<|endoftext|>";

  private TokenizerFiles() {}

  /**
   * The tokenizer of a checkpoint directory, of whatever kind its files describe: GPT-2's files
   * (vocab.json and merges.txt, or a tokenizer.json of GPT-2's byte-level BPE) are read by {@link
   * Gpt2Tokenizer}, any other tokenizer.json by the tokenizers library ({@link HfTokenizer}).
   */
  static SubjectTokenizer load(Path directory) {
    Path tokenizerJson = directory.resolve("tokenizer.json");
    if (Files.isRegularFile(tokenizerJson)) {
      JsonNode root = readJson(tokenizerJson);
      return isGpt2(root)
          ? fromTokenizerJson(tokenizerJson)
          : HfTokenizer.open(tokenizerJson, root);
    }
    return loadGpt2(directory);
  }

  /**
   * Whether a tokenizer.json is GPT-2's byte-level BPE: a BPE model on bytes, GPT-2's own
   * pre-tokenizer (ByteLevel with its regex, no prefix space) and no normalizer. Llama 3 and Qwen 2
   * are byte-level too but split text by their own regex first, so they are not.
   */
  static boolean isGpt2(JsonNode root) {
    JsonNode model = root.path("model");
    JsonNode preTokenizer = root.path("pre_tokenizer");
    JsonNode normalizer = root.path("normalizer");
    return model.path("type").asText("BPE").equals("BPE")
        && preTokenizer.path("type").asText().equals("ByteLevel")
        && !preTokenizer.path("add_prefix_space").asBoolean(false)
        && preTokenizer.path("use_regex").asBoolean(true)
        && (normalizer.isMissingNode() || normalizer.isNull())
        && !model.path("byte_fallback").asBoolean(false)
        && model.path("continuing_subword_prefix").asText("").isEmpty()
        && model.path("end_of_word_suffix").asText("").isEmpty();
  }

  static Gpt2Tokenizer loadGpt2(Path directory) {
    Path tokenizerJson = directory.resolve("tokenizer.json");
    if (Files.isRegularFile(tokenizerJson)) {
      return fromTokenizerJson(tokenizerJson);
    }
    Path vocab = directory.resolve("vocab.json");
    Path merges = directory.resolve("merges.txt");
    if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
      return fromVocabAndMerges(vocab, merges);
    }
    throw new TokenizerException(
        directory + " has no tokenizer: expected tokenizer.json, or vocab.json and merges.txt");
  }

  static Gpt2Tokenizer fromVocabAndMerges(Path vocabFile, Path mergesFile) {
    Map<String, Integer> vocab = readVocab(readJson(vocabFile), vocabFile);
    List<String[]> merges = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + mergesFile + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      merges.add(pair(line, mergesFile + " line " + (i + 1)));
    }
    // vocab.json alone does not mark special tokens; GPT-2's one is <|endoftext|>.
    List<String> special = vocab.containsKey(END_OF_TEXT) ? List.of(END_OF_TEXT) : List.of();
    return new Gpt2Tokenizer(vocab, merges, special);
  }

  static Gpt2Tokenizer fromTokenizerJson(Path file) {
    JsonNode root = readJson(file);
    JsonNode model = root.path("model");
    if (!model.path("type").asText("BPE").equals("BPE")) {
      throw new TokenizerException(
          file + ": model type " + model.path("type").asText() + " is not BPE");
    }
    JsonNode preTokenizer = root.path("pre_tokenizer");
    if (!preTokenizer.path("type").asText("ByteLevel").equals("ByteLevel")) {
      throw new TokenizerException(file + ": only GPT-2's ByteLevel pre-tokenizer is supported");
    }
    if (preTokenizer.path("add_prefix_space").asBoolean(false)) {
      // GPT-2 encodes text as given; a prefix space would shift every first word's token.
      throw new TokenizerException(file + ": add_prefix_space = true is not supported");
    }
    Map<String, Integer> vocab = readVocab(model.path("vocab"), file);
    List<String[]> merges = new ArrayList<>();
    for (JsonNode merge : model.path("merges")) {
      // Older files write a merge as "a b", newer ones as ["a", "b"].
      if (merge.isArray() && merge.size() == 2) {
        merges.add(new String[] {merge.get(0).asText(), merge.get(1).asText()});
      } else {
        merges.add(pair(merge.asText(), file + " merge " + merge));
      }
    }
    List<String> special = new ArrayList<>();
    for (JsonNode added : root.path("added_tokens")) {
      String content = added.path("content").asText();
      if (!vocab.containsKey(content)) {
        vocab.put(content, added.path("id").asInt());
      }
      special.add(content);
    }
    return new Gpt2Tokenizer(vocab, merges, special);
  }

  private static Map<String, Integer> readVocab(JsonNode node, Path file) {
    if (!node.isObject() || node.isEmpty()) {
      throw new TokenizerException(file + ": no vocabulary (a JSON object of token to id)");
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    node.fields().forEachRemaining(entry -> vocab.put(entry.getKey(), entry.getValue().asInt()));
    return vocab;
  }

  private static String[] pair(String line, String where) {
    String[] parts = line.split(" ");
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new TokenizerException(where + ": a merge must be two symbols: \"" + line + "\"");
    }
    return parts;
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
