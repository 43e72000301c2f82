#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the demo model's starting point: a randomly initialised Llama in Hugging Face layout.

transformers initialises it (normal(0, 0.02) linear and embedding weights, unit RMSNorm gains) and saves it
as float32 safetensors with our sentencepiece tokenizer beside it; LayerCut's trainer then trains every
parameter of it (tools/demo/build_demo_model.sh). Runs where transformers and torch are installed.

usage: init_demo_model.py TOKENIZER_MODEL OUT_DIR
"""
import json
import os
import shutil
import sys

import torch
from transformers import LlamaConfig, LlamaForCausalLM

# 16 blocks so the heatmap has room; ~10.5M parameters, 21 MB in bfloat16 (2,048-piece vocabulary).
CONFIG = dict(vocab_size=2048, hidden_size=256, intermediate_size=512, num_hidden_layers=16,
              num_attention_heads=8, num_key_value_heads=4, head_dim=32, max_position_embeddings=1024,
              rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
              pad_token_id=None, hidden_act="silu", initializer_range=0.02)

TOKENIZER_CONFIG = {"add_bos_token": True, "add_eos_token": False, "bos_token": "<s>", "eos_token": "</s>",
                    "unk_token": "<unk>", "legacy": True, "model_max_length": 1024,
                    "tokenizer_class": "LlamaTokenizer"}


def main():
    tokenizer_model, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(**CONFIG)).to(torch.float32)
    model.save_pretrained(out, safe_serialization=True)
    shutil.copy(tokenizer_model, os.path.join(out, "tokenizer.model"))
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(TOKENIZER_CONFIG, f, indent=2)
        f.write("\n")
    print(f"{out}: {sum(p.numel() for p in model.parameters()):,} parameters")


if __name__ == "__main__":
    main()
