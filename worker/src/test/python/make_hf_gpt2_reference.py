"""Writes the tiny GPT-2 reference fixture that the capture tests compare against.

A GPT-2 with random weights, saved the way Hugging Face saves a checkpoint, and the MLP
activations and logits that Hugging Face's own forward pass computes on fixed token ids:

    python3 worker/src/test/python/make_hf_gpt2_reference.py \
        --gpt2 openai-community/gpt2 \
        --out worker/src/test/resources/fixtures/hf-gpt2-reference

Needs torch, transformers and safetensors. --gpt2 is a Hugging Face model id (downloaded once)
or a folder holding GPT-2's vocab.json and merges.txt; only the tokenizer is taken from it.

The weights are random, so what matters is that the files agree with each other: replace all of
them together, and regenerate fixtures/hf-tokenizer-reference.json only if the tokenizer changes
(it does not depend on the weights). The committed files were written with transformers 5.17.0
and PyTorch 2.11; another version may draw other numbers from the same seed.
"""

import argparse
import json
import os

import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel

VOCAB = 512
# GPT-2's merge i creates token 256 + i, so the first 256 merges are exactly those whose
# results lie among the first 512 tokens: the truncation is a consistent byte-level BPE.
MERGES = VOCAB - 256
SEQUENCES, POSITIONS = 4, 32
SEED = 0


def gpt2_file(source, name):
    if os.path.isdir(source):
        return os.path.join(source, name)
    from huggingface_hub import hf_hub_download

    return hf_hub_download(source, name)


def write_tokenizer(source, out):
    with open(gpt2_file(source, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    kept = {token: i for token, i in vocab.items() if i < VOCAB}
    if sorted(kept.values()) != list(range(VOCAB)):
        raise SystemExit("vocab.json does not hold ids 0..%d" % (VOCAB - 1))
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(dict(sorted(kept.items(), key=lambda e: e[1])), ensure_ascii=False))

    with open(gpt2_file(source, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    header, merges = lines[0], [line for line in lines[1:] if line]
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for merge in merges[:MERGES]:
            f.write(merge + "\n")


def random_model():
    config = GPT2Config(
        vocab_size=VOCAB,
        n_positions=64,
        n_embd=48,
        n_layer=2,
        n_head=3,
        activation_function="gelu_new",
        # Large weights, so that activations spread over GELU's curved part and a wrong GELU
        # variant shows.
        initializer_range=0.3,
        tie_word_embeddings=True,
        bos_token_id=0,
        eos_token_id=0,
    )
    torch.manual_seed(SEED)
    model = GPT2LMHeadModel(config)
    # Hugging Face initializes layer-norm gains to 1 and biases to 0; a forward pass that
    # ignored them would still match. Randomize them.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".ln_" in name and name.endswith(".weight"):
                parameter.copy_(1.0 + 0.3 * torch.randn_like(parameter))
            elif name.endswith(".bias"):
                parameter.normal_(0.0, 0.2)
    return model.float().eval()


def reference_activations(model):
    generator = torch.Generator().manual_seed(SEED)
    input_ids = torch.randint(0, VOCAB, (SEQUENCES, POSITIONS), generator=generator)
    tensors = {"input_ids": input_ids}
    hooks = []
    for layer, block in enumerate(model.transformer.h):
        # c_fc's output is the MLP's input to GELU; the activation module's output is what the
        # datasets record as the neuron's activation.
        for module, key in ((block.mlp.c_fc, "mlp_pre_act"), (block.mlp.act, "mlp_post_act")):

            def keep(_module, _inputs, output, key=key, layer=layer):
                tensors["%s.%d" % (key, layer)] = output.detach().clone()

            hooks.append(module.register_forward_hook(keep))
    with torch.no_grad():
        tensors["logits"] = model(input_ids).logits.detach().clone()
    for hook in hooks:
        hook.remove()
    return {key: value.contiguous() for key, value in tensors.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpt2", default="openai-community/gpt2")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    write_tokenizer(args.gpt2, args.out)
    model = random_model()
    model.save_pretrained(args.out, safe_serialization=True)
    save_file(reference_activations(model), os.path.join(args.out, "reference-activations.safetensors"))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
