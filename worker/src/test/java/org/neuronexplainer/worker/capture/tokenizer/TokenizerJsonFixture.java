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
}
