/**
 * Capture: runs the subject model and hands out its activations as plain Java values.
 *
 * <p>What it owns: loading a Hugging Face checkpoint directory ({@link Checkpoints} picks the
 * architecture; safetensors weights, single or sharded), the forward passes on DJL's PyTorch engine
 * ({@link SubjectModel}: {@link Gpt2Model}, and {@link LlamaModel} for Llama, Mistral and Qwen 2),
 * the hooks a pass hands activations out at ({@link Hook}), and, in subpackages, the safetensors
 * format, the tokenizers ({@link org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer}),
 * the download of hub models into a local cache ({@code hub}), the corpus ({@code corpus}), the
 * per-neuron statistics ({@code stats}), the capture and collate stages ({@code run}) and the
 * weight-based summaries ({@code weights}, from {@link WeightProduct}s the model computes). {@link
 * RandomCheckpoint} and {@link RandomLlamaCheckpoint} write fixed-seed random checkpoints (the
 * smoke and benchmark models, and the Llama-family test shapes).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>DJL is used only in this package, and NDArrays never leave it: results are {@link
 *       FloatTensor}s.
 *   <li>A {@link SubjectModel} is the one owner of the model's native memory; each forward pass
 *       runs in its own NDManager and NDScope, so nothing it allocates outlives the call.
 *   <li>The device and precision are chosen in one place ({@code Compute}, from {@link
 *       ComputeOptions}).
 *   <li>GPT-2's activation is its own gelu_new, a Llama-family neuron silu(gate_proj) * up_proj;
 *       each forward pass matches Hugging Face to 1e-4 on its fixture (tests show it).
 * </ul>
 *
 * <p>Failure modes: a checkpoint that cannot be run throws {@link CheckpointException} naming the
 * file, setting or tensor (with expected and actual shapes); bad token ids, ragged or too long
 * sequences and unknown layers throw {@link IllegalArgumentException} before any native work.
 */
package org.neuronexplainer.worker.capture;
