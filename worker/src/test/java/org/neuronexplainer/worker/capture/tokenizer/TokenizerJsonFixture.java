package org.neuronexplainer.worker.capture.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds a Hugging Face tokenizer.json from a vocab.json and merges.txt, as tokenizers does. */
final class TokenizerJsonFixture {
  private TokenizerJsonFixture() {}

  static void write(Path modelDir, Path target, boolean pairMerges) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode added = root.putArray("added_tokens").addObject();
    added.put("id", 512).put("content", "<|endoftext|>").put("special", true);
    root.putObject("pre_tokenizer").put("type", "ByteLevel");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.set("vocab", json.readTree(modelDir.resolve("vocab.json").toFile()));
    ArrayNode merges = model.putArray("merges");
    List<String> lines = Files.readAllLines(modelDir.resolve("merges.txt"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (pairMerges) {
        String[] parts = line.split(" ");
        merges.addArray().add(parts[0]).add(parts[1]);
      } else {
        merges.add(line);
      }
    }
    json.writeValue(target.toFile(), root);
  }

  /**
   * The same tokenizer with every setting written out as the library saves GPT-2's (the
   * pre-tokenizer's and decoder's ByteLevel options, the model's BPE options), so that the library
   * itself can read it.
   */
  static void writeComplete(Path modelDir, Path target) throws IOException {
    write(modelDir, target, true);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(target.toFile());
    ObjectNode added = (ObjectNode) root.path("added_tokens").path(0);
    added.put("single_word", false).put("lstrip", false).put("rstrip", false);
    added.put("normalized", false);
    root.putNull("normalizer");
    ObjectNode byteLevel = json.createObjectNode();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", true);
    root.set("pre_tokenizer", byteLevel);
    root.set("post_processor", byteLevel.deepCopy());
    root.set("decoder", byteLevel.deepCopy());
    ObjectNode model = (ObjectNode) root.path("model");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    json.writeValue(target.toFile(), root);
  }
}
