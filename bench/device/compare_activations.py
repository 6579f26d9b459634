"""Compares `neuron-explainer activations --logits` output with Hugging Face on the same device.

    python3 bench/device/compare_activations.py MODEL_DIR TOKENS.json JAVA.safetensors cuda

Prints the largest absolute difference of the MLP activations (all layers) and of the logits.
"""

import json
import sys

import torch
from safetensors.torch import load_file
from transformers import GPT2LMHeadModel


def main(model_dir, tokens_file, java_file, device):
    model = GPT2LMHeadModel.from_pretrained(model_dir, attn_implementation="eager").eval()
    model = model.to(device)
    ids = torch.tensor(json.load(open(tokens_file))).to(device)
    acts = {}
    for layer, block in enumerate(model.transformer.h):
        block.mlp.act.register_forward_hook(
            lambda _m, _i, out, layer=layer: acts.__setitem__(layer, out.float().cpu())
        )
    with torch.inference_mode():
        logits = model(input_ids=ids).logits.float().cpu()
    java = load_file(java_file)
    worst = max((java[f"mlp_post_act.{l}"] - a).abs().max().item() for l, a in acts.items())
    logit_diff = (java["logits"] - logits).abs().max().item()
    print(f"max |java - hugging face| on {device}: MLP activations {worst:.2e}, logits {logit_diff:.2e}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
