package org.neuronexplainer.worker.texts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptTextsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theShippedTextsNameEveryTextOnce() {
    PromptTexts texts = PromptTexts.defaults();

    assertThat(texts.asMap()).hasSize(PromptText.values().length);
    for (PromptText name : PromptText.values()) {
      assertThat(texts.get(name)).as(name.key()).isNotBlank();
    }
    assertThat(texts.source()).isEqualTo("default");
  }

  @Test
  void everyNameIsDocumentedWithItsPlaceholders() throws Exception {
    // The worker module is the working directory of its tests.
    String docs = Files.readString(Path.of("..", "docs", "llm.md"));

    for (PromptText name : PromptText.values()) {
      String row = "| `" + name.key() + "` | ";
      assertThat(docs).as(name.key()).contains(row);
      String placeholders = docs.substring(docs.indexOf(row) + row.length()).split(" \\|")[0];
      for (String placeholder : name.allowed()) {
        assertThat(placeholders).as(name.key()).contains("`{" + placeholder + "}`");
      }
      if (name.allowed().isEmpty()) {
        assertThat(placeholders).as(name.key()).isEqualTo("none");
      }
    }
  }

  @Test
  void theShippedTextsReadBackFromAFileUnchanged() throws Exception {
    Path file = dir.resolve("copy.json");
    Files.write(file, PromptTexts.defaultBytes());

    PromptTexts copy = PromptTexts.read(file);

    assertThat(copy).isEqualTo(PromptTexts.defaults());
    assertThat(copy.asMap()).isEqualTo(PromptTexts.defaults().asMap());
    assertThat(copy.source()).isEqualTo(file.toString());
  }

  @Test
  void changingOneNameChangesThatTextAndNoOther() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("one-at-a-time.question", "What is the activation?");
    Path file = write("one-changed.json", json);

    PromptTexts changed = PromptTexts.read(file);

    for (PromptText name : PromptText.values()) {
      String expected =
          name == PromptText.ONE_AT_A_TIME_QUESTION
              ? "What is the activation?"
              : PromptTexts.defaults().get(name);
      assertThat(changed.get(name)).as(name.key()).isEqualTo(expected);
    }
  }

  @Test
  void placeholdersAreFilledAndOtherBracesAreLiteral() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("neuron.heading", "Neuron {neuron} {} {Of} { neuron }");
    PromptTexts texts = PromptTexts.read(write("braces.json", json));

    assertThat(texts.format(PromptText.NEURON_HEADING, Map.of("neuron", 3)))
        .isEqualTo("Neuron 3 {} {Of} { neuron }");
    assertThat(PromptTexts.defaults().format("neuron.explanation-heading", Map.of("neuron", 12)))
        .isEqualTo("Explanation of neuron 12 behavior:");
  }

  @Test
  void malformedJsonIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\"explainer.system\": \"x\",", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> PromptTexts.read(file))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageStartingWith(file + ": not valid JSON");
  }

  @Test
  void aFileThatIsNotAnObjectIsAnError() throws Exception {
    Path file = dir.resolve("list.json");
    Files.writeString(file, "[\"a\"]", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> PromptTexts.read(file))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining(file + ": prompt texts must be a JSON object");
  }

  @Test
  void aMissingNameIsAnErrorNamingIt() throws Exception {
    ObjectNode json = defaultsJson();
    json.remove("json.system");

    assertThatThrownBy(() -> PromptTexts.read(write("missing.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining("missing.json: missing text \"json.system\"");
  }

  @Test
  void aFileWrittenBeforeTheClassifierTextsReadsWithTheShippedOnes() throws Exception {
    ObjectNode json = defaultsJson();
    for (String key :
        List.of(
            "detection.system",
            "fuzzing.system",
            "classifier.explanation-heading",
            "classifier.excerpt-heading",
            "classifier.answer-request")) {
      json.remove(key);
    }
    json.put("json.system", "My own simulator text.");

    PromptTexts read = PromptTexts.read(write("older.json", json));
    assertThat(read.get(PromptText.JSON_SYSTEM)).isEqualTo("My own simulator text.");
    assertThat(read.get(PromptText.DETECTION_SYSTEM))
        .isEqualTo(PromptTexts.defaults().get(PromptText.DETECTION_SYSTEM));
  }

  @Test
  void anUnknownNameIsAnErrorNamingIt() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("explainer.sytem", "typo");

    assertThatThrownBy(() -> PromptTexts.read(write("unknown.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining("unknown.json: unknown text name \"explainer.sytem\"");
  }

  @Test
  void aPlaceholderTheTextCannotUseIsAnError() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("explainer.system", "Study neuron {neuron}.");

    assertThatThrownBy(() -> PromptTexts.read(write("extra.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining(
            "extra.json: \"explainer.system\" uses the placeholder {neuron}, which it cannot use"
                + " (it takes none)");
  }

  @Test
  void anUnknownPlaceholderIsAnErrorListingTheAllowedOnes() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("neuron.explanation-heading", "Explanation of neuron {number}:");

    assertThatThrownBy(() -> PromptTexts.read(write("unknown-placeholder.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining("{number}, which it cannot use (it takes {neuron})");
  }

  @Test
  void aRequiredPlaceholderLeftOutIsAnError() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("neuron.heading", "Neuron");

    assertThatThrownBy(() -> PromptTexts.read(write("required.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining(
            "required.json: \"neuron.heading\" must contain the placeholder {neuron}");
  }

  @Test
  void anOptionalPlaceholderMayBeLeftOut() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("neuron.explanation-heading", "Explanation:");

    PromptTexts texts = PromptTexts.read(write("optional.json", json));

    assertThat(texts.format(PromptText.EXPLANATION_HEADING, Map.of("neuron", 2)))
        .isEqualTo("Explanation:");
  }

  @Test
  void aTextThatStartsOrEndsWithALineBreakIsAnError() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("all-at-once.system", "Predict each token's activation.\n");

    assertThatThrownBy(() -> PromptTexts.read(write("trailing.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining(
            "trailing.json: \"all-at-once.system\" starts or ends with a line break; leave it off");

    json.put("all-at-once.system", "\nPredict");
    assertThatThrownBy(() -> PromptTexts.read(write("leading.json", json)))
        .hasMessageContaining("\"all-at-once.system\" starts or ends with a line break");
  }

  @Test
  void aTextMaySpanLines() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("line.system", "Predict.\n\nEach line is token<tab>activation.");

    assertThat(PromptTexts.read(write("lines.json", json)).get(PromptText.LINE_SYSTEM))
        .isEqualTo("Predict.\n\nEach line is token<tab>activation.");
  }

  @Test
  void aValueThatIsNotAStringIsAnError() throws Exception {
    ObjectNode json = defaultsJson();
    json.put("token-space.seed", 7);

    assertThatThrownBy(() -> PromptTexts.read(write("number.json", json)))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining("number.json: \"token-space.seed\" must be a string");
  }

  @Test
  void aNameGivenTwiceIsAnError() throws Exception {
    String text = new String(PromptTexts.defaultBytes(), StandardCharsets.UTF_8);
    Path file = dir.resolve("twice.json");
    Files.writeString(file, text.replaceFirst("\\{", "{\"token-space.seed\": \"x\","));

    assertThatThrownBy(() -> PromptTexts.read(file))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageContaining("Duplicate field 'token-space.seed'");
  }

  @Test
  void anUnreadableFileIsAnErrorNamingIt() {
    Path file = dir.resolve("absent.json");

    assertThatThrownBy(() -> PromptTexts.read(file))
        .isInstanceOf(PromptTextsException.class)
        .hasMessageStartingWith(file + ": cannot read the prompt texts");
  }

  private static ObjectNode defaultsJson() throws Exception {
    return (ObjectNode) JSON.readTree(PromptTexts.defaultBytes());
  }

  private Path write(String name, ObjectNode json) throws Exception {
    Path file = dir.resolve(name);
    JSON.writeValue(file.toFile(), json);
    return file;
  }
}
