package org.neuronexplainer.cli.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/**
 * Reads pre-tokenized input: a JSON array of token-id arrays, or a safetensors file with an {@code
 * input_ids} tensor of shape [sequences, tokens] (I64 or I32).
 */
final class TokenInput {
  private TokenInput() {}

  static int[][] read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserException("--tokens " + file + ": no such file");
    }
    int[][] ids = looksLikeJson(file) ? fromJson(file) : fromSafetensors(file);
    if (ids.length == 0) {
      throw new UserException(file + " holds no sequences");
    }
    for (int s = 0; s < ids.length; s++) {
      if (ids[s].length != ids[0].length) {
        throw new UserException(
            file
                + ": every sequence must have the same length (sequence 0 has "
                + ids[0].length
                + " tokens, sequence "
                + s
                + " has "
                + ids[s].length
                + ")");
      }
    }
    if (ids[0].length == 0) {
      throw new UserException(file + ": the sequences are empty");
    }
    return ids;
  }

  private static boolean looksLikeJson(Path file) {
    try (var in = Files.newInputStream(file)) {
      int first;
      do {
        first = in.read();
      } while (first == ' ' || first == '\n' || first == '\r' || first == '\t');
      return first == '[';
    } catch (IOException e) {
      throw new UserException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static int[][] fromJson(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UserException("cannot read " + file + ": " + e.getMessage());
    }
    int[][] ids = new int[root.size()][];
    for (int s = 0; s < ids.length; s++) {
      JsonNode sequence = root.get(s);
      if (!sequence.isArray()) {
        throw new UserException(file + ": element " + s + " is not an array of token ids");
      }
      ids[s] = new int[sequence.size()];
      for (int t = 0; t < ids[s].length; t++) {
        JsonNode id = sequence.get(t);
        if (!id.canConvertToInt() || !id.isIntegralNumber()) {
          throw new UserException(
              file + ": sequence " + s + ", position " + t + " is not a token id: " + id);
        }
        ids[s][t] = id.asInt();
      }
    }
    return ids;
  }

  private static int[][] fromSafetensors(Path file) {
    return CaptureErrors.asUserErrors(
        () -> {
          try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
            TensorEntry entry =
                tensors
                    .entry("input_ids")
                    .orElseThrow(() -> new UserException(file + " has no input_ids tensor"));
            long[] shape = entry.shape();
            if (shape.length != 2) {
              throw new UserException(
                  file + ": input_ids must be [sequences, tokens], not " + entry);
            }
            long[] flat = tensors.longs("input_ids");
            int rows = Math.toIntExact(shape[0]);
            int cols = Math.toIntExact(shape[1]);
            int[][] ids = new int[rows][cols];
            for (int i = 0; i < flat.length; i++) {
              if (flat[i] != (int) flat[i]) {
                throw new UserException(
                    file + ": input_ids holds " + flat[i] + ", which is no token id");
              }
              ids[i / cols][i % cols] = (int) flat[i];
            }
            return ids;
          }
        });
  }
}
