package org.neuronexplainer.worker.capture.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads corpus files as documents, in the order given. A {@code .jsonl} file holds one JSON object
 * per line with a string field {@code text}, one document each (blank lines are skipped); any other
 * file is plain UTF-8 text and is one document.
 */
public final class CorpusReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CorpusReader() {}

  /** Calls {@code documents} with each document's text, file by file. */
  public static void read(List<Path> files, Consumer<String> documents) {
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new CorpusException(file + ": no such readable corpus file");
      }
      if (file.getFileName().toString().endsWith(".jsonl")) {
        readJsonLines(file, documents);
      } else {
        documents.accept(readText(file));
      }
    }
  }

  private static String readText(Path file) {
    try (BufferedReader reader = strictReader(file)) {
      StringBuilder text = new StringBuilder();
      char[] buffer = new char[1 << 16];
      for (int n; (n = reader.read(buffer)) > 0; ) {
        text.append(buffer, 0, n);
      }
      return text.toString();
    } catch (CharacterCodingException e) {
      throw new CorpusException(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new CorpusException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static void readJsonLines(Path file, Consumer<String> documents) {
    int lineNumber = 0;
    try (BufferedReader reader = strictReader(file)) {
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (!line.isBlank()) {
          documents.accept(textOf(line, file, lineNumber));
        }
      }
    } catch (CharacterCodingException e) {
      throw new CorpusException(file + ":" + (lineNumber + 1) + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new CorpusException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static String textOf(String line, Path file, int lineNumber) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CorpusException(
          file + ":" + lineNumber + ": not a JSON object: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new CorpusException(file + ":" + lineNumber + ": not a JSON object");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new CorpusException(file + ":" + lineNumber + ": no string field \"text\"");
    }
    return text.asText();
  }

  private static BufferedReader strictReader(Path file) throws IOException {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
  }
}
