package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What LlamaConfig reads from config.json and what it refuses, by name. */
class LlamaConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode llama() {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add("LlamaForCausalLM");
    root.put("model_type", "llama");
    root.put("hidden_size", 64);
    root.put("intermediate_size", 96);
    root.put("num_hidden_layers", 2);
    root.put("num_attention_heads", 4);
    root.put("vocab_size", 700);
    root.put("max_position_embeddings", 128);
    return root;
  }

  @Test
  void defaultsAreHuggingFaceOnes() {
    LlamaConfig config = LlamaConfig.parse(llama());
    assertThat(config.kvHeads()).isEqualTo(4);
    assertThat(config.headDim()).isEqualTo(16);
    assertThat(config.ropeTheta()).isEqualTo(10000.0);
    assertThat(config.rmsNormEps()).isEqualTo(1e-6);
    assertThat(config.tieWordEmbeddings()).isFalse();
    assertThat(config.qkvBias()).isFalse();
    assertThat(config.slidingWindow()).isZero();
  }

  @Test
  void ropeIsReadInTheNewAndTheOldSpelling() {
    ObjectNode older = llama();
    older.put("rope_theta", 500000.0);
    ObjectNode scaling = older.putObject("rope_scaling");
    scaling.put("type", "llama3");
    scaling.put("factor", 8.0);
    scaling.put("low_freq_factor", 1.0);
    scaling.put("high_freq_factor", 4.0);
    scaling.put("original_max_position_embeddings", 8192);
    LlamaConfig config = LlamaConfig.parse(older);
    assertThat(config.ropeTheta()).isEqualTo(500000.0);
    assertThat(config.llama3()).contains(new LlamaConfig.Llama3Scaling(8, 1, 4, 8192));

    ObjectNode newer = llama();
    newer.putObject("rope_parameters").put("rope_theta", 1e6).put("rope_type", "default");
    assertThat(LlamaConfig.parse(newer).ropeTheta()).isEqualTo(1e6);
    assertThat(LlamaConfig.parse(newer).llama3()).isEmpty();
  }

  @Test
  void qwen2HasQkvBiasesAndMistralItsWindow() {
    ObjectNode qwen = llama();
    qwen.putArray("architectures").add("Qwen2ForCausalLM");
    qwen.put("sliding_window", 32);
    LlamaConfig config = LlamaConfig.parse(qwen);
    assertThat(config.qkvBias()).isTrue();
    assertThat(config.outputBias()).isFalse();
    assertThat(config.slidingWindow()).as("unused unless use_sliding_window").isZero();

    ObjectNode mistral = llama();
    mistral.putArray("architectures").add("MistralForCausalLM");
    mistral.put("sliding_window", 32);
    assertThat(LlamaConfig.parse(mistral).slidingWindow()).isEqualTo(32);
    mistral.putNull("sliding_window");
    assertThat(LlamaConfig.parse(mistral).slidingWindow()).isZero();
  }

  @Test
  void unsupportedSettingsAreRefusedByName() {
    ObjectNode gelu = llama().put("hidden_act", "gelu");
    assertThatThrownBy(() -> LlamaConfig.parse(gelu))
        .hasMessageContaining("hidden_act gelu is not supported")
        .hasMessageContaining("silu");
    ObjectNode yarn = llama();
    yarn.putObject("rope_parameters").put("rope_type", "yarn").put("factor", 4.0);
    assertThatThrownBy(() -> LlamaConfig.parse(yarn))
        .hasMessageContaining("rope_type yarn is not supported")
        .hasMessageContaining("default or llama3");
    ObjectNode linear = llama();
    linear.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
    assertThatThrownBy(() -> LlamaConfig.parse(linear)).hasMessageContaining("type linear");
    ObjectNode partial = llama().put("partial_rotary_factor", 0.5);
    assertThatThrownBy(() -> LlamaConfig.parse(partial))
        .hasMessageContaining("partial_rotary_factor 0.5 is not supported");
    ObjectNode qwenWindow = llama();
    qwenWindow.putArray("architectures").add("Qwen2ForCausalLM");
    qwenWindow.put("use_sliding_window", true);
    assertThatThrownBy(() -> LlamaConfig.parse(qwenWindow))
        .hasMessageContaining("use_sliding_window true is not supported");
    ObjectNode badGroups = llama().put("num_key_value_heads", 3);
    assertThatThrownBy(() -> LlamaConfig.parse(badGroups))
        .hasMessageContaining("not a multiple of num_key_value_heads 3");
  }

  @Test
  void anotherArchitectureIsRefusedByItsName(@TempDir Path dir) throws IOException {
    ObjectNode gemma = llama();
    gemma.putArray("architectures").add("GemmaForCausalLM");
    gemma.put("model_type", "gemma");
    Files.writeString(dir.resolve("config.json"), gemma.toString());
    assertThatThrownBy(() -> SubjectModel.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("GemmaForCausalLM is not supported")
        .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
    assertThat(Checkpoints.ARCHITECTURES)
        .containsExactly(
            "GPT2LMHeadModel", "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");
  }
}
