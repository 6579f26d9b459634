"""PyTorch's side of the forward-pass comparison in `neuron-explainer bench capture`.

Runs Hugging Face's GPT2Model on random token ids with the same shape as the Java benchmark
(batch, context, excerpts) and copies every layer's MLP post-activation (the GELU output) out of
the model, as the capture's forward pass does. Prints tokens per second, best of the rounds.

    python3 bench/pytorch_forward.py --model /tmp/gpt2-small-random --excerpts 64 --batch 8

Needs torch and transformers; no network.
"""

import argparse
import time

import torch
from transformers import GPT2Model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="Hugging Face GPT-2 directory")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--excerpts", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--attention", default="sdpa", choices=["sdpa", "eager"])
    parser.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    args = parser.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    model = GPT2Model.from_pretrained(
        args.model, attn_implementation=args.attention, torch_dtype=torch.float32
    ).eval().to(args.device)
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(
        0, model.config.vocab_size, (args.excerpts, args.context), generator=generator
    ).to(args.device)

    captured = []
    hooks = [
        block.mlp.act.register_forward_hook(lambda _m, _i, out: captured.append(out.float().cpu().numpy().copy()))
        for block in model.h
    ]

    def one_round():
        with torch.inference_mode():
            for start in range(0, args.excerpts, args.batch):
                captured.clear()
                model(input_ids=ids[start : start + args.batch], use_cache=False)
                assert len(captured) == len(model.h)

    one_round()  # warm-up
    walls = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        one_round()
        walls.append(time.perf_counter() - start)
    for hook in hooks:
        hook.remove()
    tokens = args.excerpts * args.context
    print(
        f"torch {torch.__version__} on {args.device}, {torch.get_num_threads()} threads,"
        f" attention {args.attention}:"
        f" {model.config.n_layer} layers x {model.config.n_inner or 4 * model.config.n_embd} neurons;"
        f" {args.excerpts} excerpts x {args.context} tokens, batch {args.batch}"
    )
    print("rounds (s): " + " ".join(f"{w:.2f}" for w in walls))
    print(f"forward pass: {tokens / min(walls):.0f} tokens/s (best of {args.rounds})")


if __name__ == "__main__":
    main()
