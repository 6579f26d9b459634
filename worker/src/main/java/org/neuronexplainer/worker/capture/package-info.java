/**
 * Capture: runs the subject model and hands out its activations as plain Java values.
 *
 * <p>What it owns: loading a Hugging Face GPT-2 directory ({@link Gpt2Config}, safetensors weights,
 * single or sharded), the forward pass on DJL's PyTorch engine ({@link Gpt2Model}), and, in
 * subpackages, the safetensors format, GPT-2's byte-level BPE tokenizer, the download of hub models
 * into a local cache ({@code hub}), the corpus ({@code corpus}), the per-neuron statistics ({@code
 * stats}), the capture and collate stages ({@code run}) and the weight-based summaries ({@code
 * weights}, from {@link WeightProduct}s the model computes). {@link RandomCheckpoint} writes
 * fixed-seed random checkpoints (the smoke and benchmark models).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>DJL is used only in this package, and NDArrays never leave it: results are {@link
 *       FloatTensor}s.
 *   <li>{@link Gpt2Model} is the one owner of the model's native memory; each forward pass runs in
 *       its own NDManager and NDScope, so nothing it allocates outlives the call.
 *   <li>The device and precision are chosen in one place ({@code Compute}, from {@link
 *       ComputeOptions}).
 *   <li>The activation is GPT-2's own gelu_new; the forward pass matches Hugging Face's
 *       GPT2LMHeadModel to 1e-4 on the shared fixture (a test shows it).
 * </ul>
 *
 * <p>Failure modes: a checkpoint that cannot be run throws {@link CheckpointException} naming the
 * file, setting or tensor (with expected and actual shapes); bad token ids, ragged or too long
 * sequences and unknown layers throw {@link IllegalArgumentException} before any native work.
 */
package org.neuronexplainer.worker.capture;
