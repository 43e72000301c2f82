#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transformers side of the healing benchmark: LoRA training tokens/s and peak GPU memory (peft, bf16, sdpa).

The same steps as LayerCut's healing loop: forward with labels (mean token cross-entropy), backward, clip the
gradient norm to 1, AdamW (lr 3e-4, no weight decay, fused where torch has it), zero the gradients. The base
stays bfloat16: bitsandbytes is not assumed on the GPU machine, so this peer is LoRA on a dense base, not NF4;
its memory is what QLoRA is meant to save. Activation checkpointing (non-reentrant) as peft's recipes do.
usage: hf_qlora.py MODEL_DIR [--rank 64] [--batch 2] [--length 2048] [--steps 4] [--warmup-steps 2]
                   [--targets ffn|all] [--checkpointing|--no-checkpointing]        prints one JSON line
"""
import argparse
import json
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

FFN = ["gate_proj", "up_proj", "down_proj"]
ALL = ["q_proj", "k_proj", "v_proj", "o_proj"] + FFN


def adamw(params, lr):
    # fused=True is one kernel per step where this torch has it (CUDA float32 parameters); else the default.
    try:
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.0, fused=True)
    except (TypeError, RuntimeError, ValueError):
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--rank", type=int, default=64)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--length", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=4, help="timed optimizer steps")
    ap.add_argument("--warmup-steps", type=int, default=2, help="untimed optimizer steps before them")
    ap.add_argument("--targets", choices=["ffn", "all"], default="ffn")
    ap.add_argument("--checkpointing", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    if args.steps < 1 or args.warmup_steps < 0:
        ap.error("--steps must be at least 1 and --warmup-steps not negative")
    torch.cuda.init()
    torch.cuda.reset_peak_memory_stats()
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, device_map="cuda",
                                                 attn_implementation="sdpa")
    model.config.use_cache = False
    if args.checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        # The embedding output must require grad for checkpointed blocks to backpropagate into the adapters
        # (needed with reentrant checkpointing, harmless without; peft's prepare_model_for_kbit_training does it).
        model.enable_input_require_grads()
    lora = LoraConfig(r=args.rank, lora_alpha=args.rank, lora_dropout=0.05, bias="none", task_type="CAUSAL_LM",
                      target_modules=FFN if args.targets == "ffn" else ALL)
    model = get_peft_model(model, lora)  # adapters in float32 (peft's autocast_adapter_dtype), as LayerCut's
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = adamw(trainable, 3e-4)

    g = torch.Generator(device="cuda").manual_seed(0)
    batches = [torch.randint(model.config.vocab_size, (args.batch, args.length), device="cuda", generator=g)
               for _ in range(args.warmup_steps + args.steps)]

    def step(ids):
        loss = model(input_ids=ids, labels=ids, use_cache=False).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.detach()

    for ids in batches[: args.warmup_steps]:
        step(ids)
    torch.cuda.synchronize()
    with_load = torch.cuda.max_memory_allocated()  # the load, the first steps and the optimizer's states
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    losses = [step(ids) for ids in batches[args.warmup_steps:]]
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated()
    print(json.dumps({"impl": "transformers", "mode": "heal",
                      "tokens_per_second": args.batch * args.length * args.steps / seconds,
                      "peak_memory_bytes": peak, "peak_memory_with_load_bytes": max(with_load, peak),
                      "batch": args.batch, "length": args.length, "rank": args.rank, "targets": args.targets,
                      "checkpointing": args.checkpointing, "quantization": "none", "steps": args.steps,
                      "warmup_steps": args.warmup_steps, "seconds_per_step": seconds / args.steps,
                      "trainable_parameters": sum(p.numel() for p in trainable),
                      "mean_loss": torch.stack(losses).mean().item()}))


if __name__ == "__main__":
    main()
