/**
 * Reads {@code pytorch_model.bin} checkpoints (the zip format of {@code torch.save}) without
 * Python: a pickle reader that accepts only what a state dict of tensors contains and refuses any
 * other global or opcode by name, so loading a checkpoint never executes code from it.
 */
package org.neuronexplainer.worker.capture.torchbin;
