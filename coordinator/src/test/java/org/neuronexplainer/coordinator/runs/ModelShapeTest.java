package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers and neurons per layer from GPT-2 and Llama-family configs; other families refused. */
class ModelShapeTest {
  @TempDir Path dir;

  @Test
  void gpt2AndLlamaFamilyConfigsAreRead() throws IOException {
    write("{\"model_type\": \"gpt2\", \"n_layer\": 4, \"n_embd\": 64, \"n_inner\": null}");
    assertThat(ModelShape.of(dir.toString())).isEqualTo(new ModelShape(4, 256, 64));
    write(
        "{\"architectures\": [\"MistralForCausalLM\"], \"num_hidden_layers\": 32,"
            + " \"hidden_size\": 4096, \"intermediate_size\": 14336}");
    assertThat(ModelShape.of(dir.toString())).isEqualTo(new ModelShape(32, 14336, 4096));
    write("{\"model_type\": \"qwen2\", \"num_hidden_layers\": 2, \"intermediate_size\": 96}");
    assertThat(ModelShape.of(dir.toString())).isEqualTo(new ModelShape(2, 96, 0));
  }

  @Test
  void anUnsupportedArchitectureIsRefusedByName() throws IOException {
    write(
        "{\"architectures\": [\"GemmaForCausalLM\"], \"num_hidden_layers\": 2,"
            + " \"intermediate_size\": 96}");
    assertThatThrownBy(() -> ModelShape.of(dir.toString()))
        .hasMessageContaining("GemmaForCausalLM, which capture does not run");
    write("{\"architectures\": [\"LlamaForCausalLM\"], \"num_hidden_layers\": 2}");
    assertThatThrownBy(() -> ModelShape.of(dir.toString()))
        .hasMessageContaining("no num_hidden_layers and intermediate_size");
  }

  private void write(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
  }
}
