#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that peft loads LayerCut's healing adapters and that the merged export means the same (GPU machine).

For every fixture family: `layercut-cli heal --drop 2:4` (QLoRA, a few CPU steps, `--merge`) and
`layercut-cli prune --drop 2:4` (the pruned base the adapters belong to). Then
  - peft.PeftModel.from_pretrained(pruned, heal) takes every tensor of adapter_model.safetensors and leaves no
    adapter at its initial value: its adapter state dict has exactly the file's keys (one lora_A and lora_B
    per kept layer and target), with the file's values, and every lora_B is nonzero (training happened);
  - its float32 logits on the fixture's reference batch equal those of the merged folder, loaded by
    transformers and by `layercut-cli forward`, and the adapters change them by more than the tolerance (so
    the comparison could tell a model with adapters from one without);
  - peft's merge_and_unload() weights equal the merged folder's tensors;
  - loss.csv and healing.json record the steps run.
One more run heals without quantisation and with adapters on all seven projections.
usage: check_peft_adapters.py BUILD_DIR [--device cuda|cpu]      exits 1 when a check fails
"""
import argparse
import csv
import glob
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import warnings

import torch
from peft import PeftModel, get_peft_model_state_dict
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM
from transformers.utils import logging as hf_logging

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "models")
DATA = os.path.join(ROOT, "tests", "fixtures", "data", "tiny_corpus.txt")
TOLERANCE = 1e-4  # max |a - b| / max |b|, float32 (over real tokens for logits)
MIN_EFFECT = TOLERANCE  # the adapters must move the logits by more than what the comparisons forgive
DROP = (2, 4)  # 0-based, end exclusive
STEPS = 6
# The healing run every case starts from. --out-dtype float32 keeps the merged weights unrounded: a bf16 or
# f16 fixture would otherwise be merged back into its own dtype, and that rounding (~1e-3) is not what the
# comparison with peft (float32 adapters on the float32-loaded base) is about.
HEAL = {"--data": DATA, "--drop": f"{DROP[0]}:{DROP[1]}", "--steps": str(STEPS), "--rank": "4", "--alpha": "8",
        "--batch": "2", "--seq-len": "32", "--warmup": "1", "--quant": "nf4", "--targets": "ffn", "--device": "cpu",
        "--out-dtype": "float32"}
FFN = ["gate_proj", "up_proj", "down_proj"]
ALL = ["q_proj", "k_proj", "v_proj", "o_proj"] + FFN
CASES = [  # fixture, options replacing HEAL's
    ("llama3_gqa_sharded", {}),
    ("llama2_spm_classic", {}),
    ("mistral_bf16", {}),
    ("qwen2_tied_f16", {}),
    ("qwen3_qknorm", {}),
    ("qwen2_tied_f16", {"--quant": "none", "--targets": "all"}),  # q/k/v carry biases: LoRA beside a bias
    # Fused qkv_proj and gate_up_proj: the parts' adapters stacked into one LoRA per module (rank_pattern).
    ("phi3_longrope", {}),
    ("phi3_longrope", {"--quant": "none", "--targets": "all"}),
]
# Modules a fused checkpoint (Phi-3) holds the projections in; peft targets those.
FUSED = {"q_proj": "qkv_proj", "k_proj": "qkv_proj", "v_proj": "qkv_proj", "gate_proj": "gate_up_proj",
         "up_proj": "gate_up_proj"}


def module_targets(targets, fused):
    """The peft target modules for LayerCut's projection targets (fused modules once each, in order)."""
    out = []
    for t in targets:
        name = FUSED.get(t, t) if fused else t
        if name not in out:
            out.append(name)
    return out


def relative(a, b, mask=None):
    if mask is not None:
        keep = mask.bool()
        a, b = a[keep], b[keep]
    return ((a - b).abs().max() / b.abs().max()).item()


def run(cmd):
    """Runs a layercut-cli command; on failure shows its stderr (the CLI's one-line error) before raising."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"$ {' '.join(cmd)}\n{done.stderr[-4000:]}")
        raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)
    return done.stdout


def layercut_logits(cli, folder, ids, mask):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for b in range(ids.shape[0]):
            real = ids[b][mask[b].bool()].tolist()
            out = os.path.join(tmp, f"{b}.safetensors")
            run([cli, "forward", folder, "--ids", ",".join(map(str, real)), "--out", out, "--dtype", "float32"])
            logits = load_file(out)["logits"]
            padded = torch.zeros(ids.shape[1], logits.shape[-1])
            padded[: logits.shape[0]] = logits
            rows.append(padded)
    return torch.stack(rows)


def folder_tensors(folder):
    tensors = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.safetensors"))):
        tensors.update(load_file(path))
    return tensors


def logits_of(model, ids, mask, device):
    with torch.no_grad():
        return model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()


class Recorder(logging.Handler):
    """Collects what peft and transformers log while the adapter loads (peft reports key mismatches there
    or through warnings, depending on its version)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def load_peft(pruned_dir, adapter_dir, device):
    base = AutoModelForCausalLM.from_pretrained(pruned_dir, dtype=torch.float32)
    recorder = Recorder()
    loggers = [logging.getLogger(n) for n in ("peft", "transformers")]
    for lg in loggers:
        lg.addHandler(recorder)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = PeftModel.from_pretrained(base, adapter_dir)
    finally:
        for lg in loggers:
            lg.removeHandler(recorder)
    messages = recorder.messages + [str(w.message) for w in caught]
    # Only what speaks of keys counts against the adapter; other notices (deprecations) are shown, not failed.
    bad = [m for m in messages if "key" in m.lower() and any(w in m.lower() for w in ("missing", "unexpected"))]
    return model.to(device).eval(), messages, bad


def check_adapter(model, adapter_dir, kept, targets, rank):
    """The adapter file against the PeftModel: keys, values, shapes, nonzero lora_B. Returns (ok, notes)."""
    notes = []
    cfg = json.load(open(os.path.join(adapter_dir, "adapter_config.json")))
    if cfg.get("peft_type") != "LORA" or cfg.get("r") != rank or sorted(cfg.get("target_modules") or []) != sorted(targets):
        notes.append(f"adapter_config.json: peft_type {cfg.get('peft_type')}, r {cfg.get('r')}, "
                     f"target_modules {cfg.get('target_modules')}")
    saved = load_file(os.path.join(adapter_dir, "adapter_model.safetensors"))
    ranks = cfg.get("rank_pattern") or {}
    expected = set()
    for k in range(kept):
        for m in targets:
            part = "self_attn" if m in ALL[:4] + ["qkv_proj"] else "mlp"
            for ab in ("lora_A", "lora_B"):
                expected.add(f"base_model.model.model.layers.{k}.{part}.{m}.{ab}.weight")
    if set(saved) != expected:
        notes.append(f"file keys: missing {sorted(expected - set(saved))[:4]}, extra {sorted(set(saved) - expected)[:4]}")
    loaded = {k: v.detach().float().cpu() for k, v in get_peft_model_state_dict(model).items()}
    if set(loaded) != set(saved):
        notes.append(f"peft's adapter keys: not in the file {sorted(set(loaded) - set(saved))[:4]}, "
                     f"not loaded {sorted(set(saved) - set(loaded))[:4]}")
    for name, t in saved.items():
        if t.dtype != torch.float32:
            notes.append(f"{name}: {t.dtype}, expected float32")
        rank_dim = 0 if name.endswith("lora_A.weight") else 1  # A is [r, in], B is [out, r]
        want = ranks.get(name.split(".")[-3], rank)  # a fused module: the parts' ranks stacked
        if t.dim() != 2 or t.shape[rank_dim] != want:
            notes.append(f"{name}: shape {tuple(t.shape)} for rank {want}")
        if name in loaded and not torch.equal(loaded[name], t.float()):
            notes.append(f"{name}: peft holds other values than the file")
        if name.endswith("lora_B.weight") and not t.abs().max().item() > 0:
            notes.append(f"{name}: all zero (not trained, or not written)")
    return not notes, len(saved) // 2, notes


def base_model_note(adapter_dir, kept):
    """AutoPeftModelForCausalLM loads base_model_name_or_path: it must be a model with the kept layers, or
    the renumbered adapters land on the wrong blocks without any error. Shown, not failed (the pruned base
    is not a folder the heal command writes)."""
    cfg = json.load(open(os.path.join(adapter_dir, "adapter_config.json")))
    base = cfg.get("base_model_name_or_path") or ""
    path = os.path.join(base, "config.json")
    if os.path.isfile(path):
        layers = json.load(open(path)).get("num_hidden_layers")
        if layers != kept:
            return f"note: base_model_name_or_path {base} has {layers} layers, the adapters {kept}"
    return None


def check_run_files(out):
    """loss.csv has one finite training loss per step; healing.json says all steps ran."""
    notes = []
    with open(os.path.join(out, "loss.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r.get("train_loss")]
    if len(rows) != STEPS or not all(math.isfinite(float(r["train_loss"])) for r in rows):
        notes.append(f"loss.csv: {len(rows)} training rows, expected {STEPS} finite ones")
    summary = json.load(open(os.path.join(out, "healing.json")))
    if summary.get("steps_done") != STEPS or summary.get("cancelled"):
        notes.append(f"healing.json: steps_done {summary.get('steps_done')}, cancelled {summary.get('cancelled')}")
    return notes


def check_merge(model, merged_dir, tied):
    """peft's merge_and_unload() weights against the merged folder's tensors: (max relative error, notes)."""
    notes = []
    merged = model.merge_and_unload()
    ours = {k: v.detach().float().cpu() for k, v in merged.state_dict().items()}
    files = folder_tensors(merged_dir)
    skip = {"lm_head.weight"} if tied else set()  # tied: the file has no lm_head, the state dict shows it
    missing = sorted(set(ours) - set(files) - skip)
    extra = sorted(set(files) - set(ours))
    if missing or extra:
        notes.append(f"merged folder: missing {missing[:4]}, unexpected {extra[:4]}")
    worst = 0.0
    for name in set(files) & set(ours):
        a, b = files[name].float(), ours[name]
        if a.shape != b.shape:
            notes.append(f"{name}: shape {tuple(a.shape)} vs peft {tuple(b.shape)}")
            continue
        worst = max(worst, relative(a, b) if b.abs().max() > 0 else a.abs().max().item())
    return worst, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    # One "Loading weights" bar per model would break up the table.
    getattr(hf_logging, "disable_progress_bar", lambda: None)()
    cli = os.path.join(args.build, "bin", "layercut-cli")
    failures = 0
    print(f"{'fixture':<20}{'options':<24}{'adapters':>9}{'peft':>6}{'effect':>10}{'vs HF merged':>14}"
          f"{'vs LayerCut':>13}{'merge wts':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (fixture, overrides) in enumerate(CASES):
            source = os.path.join(FIXTURES, fixture)
            opts = dict(HEAL, **overrides)
            label = " ".join(f"{k.strip('-')}={v}" for k, v in overrides.items()) or "-"
            heal_dir, pruned_dir = os.path.join(tmp, f"{i}-heal"), os.path.join(tmp, f"{i}-pruned")
            heal_cmd = [cli, "heal", source] + [x for kv in opts.items() for x in kv] + ["--merge", "--out", heal_dir]
            printed = json.loads(run(heal_cmd))
            run([cli, "prune", source, "--drop", f"{DROP[0]}:{DROP[1]}", "--out", pruned_dir])
            adapter_dir = printed.get("adapter", heal_dir)
            merged_dir = printed.get("merged", os.path.join(heal_dir, "merged"))
            fused = json.load(open(os.path.join(source, "config.json")))["model_type"] == "phi3"
            targets = module_targets(FFN if opts["--targets"] == "ffn" else ALL, fused)
            kept = json.load(open(os.path.join(source, "config.json")))["num_hidden_layers"] - (DROP[1] - DROP[0])
            ref = load_file(os.path.join(source, "reference.safetensors"))
            ids, mask = ref["input_ids"], ref["attention_mask"]

            peft_model, messages, bad = load_peft(pruned_dir, adapter_dir, args.device)
            adapter_ok, adapters, notes = check_adapter(peft_model, adapter_dir, kept, targets, int(opts["--rank"]))
            notes += [f"while loading: {m}" for m in bad]
            notes += check_run_files(heal_dir)
            base_note = base_model_note(adapter_dir, kept)
            with_adapters = logits_of(peft_model, ids, mask, args.device)
            with peft_model.disable_adapter():
                without = logits_of(peft_model, ids, mask, args.device)
            effect = relative(with_adapters, without, mask)

            hf_merged, info = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32,
                                                                   output_loading_info=True)
            if any(info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys")):
                notes.append(f"transformers loading {merged_dir}: {info}")
            e_hf = relative(with_adapters, logits_of(hf_merged.to(args.device).eval(), ids, mask, args.device), mask)
            del hf_merged
            e_lc = relative(with_adapters, layercut_logits(cli, merged_dir, ids, mask), mask)
            tied = bool(getattr(peft_model.get_base_model().config, "tie_word_embeddings", False))
            e_merge, merge_notes = check_merge(peft_model, merged_dir, tied)
            notes += merge_notes

            ok = (adapter_ok and not notes and effect > MIN_EFFECT and e_hf <= TOLERANCE and e_lc <= TOLERANCE
                  and e_merge <= TOLERANCE)
            failures += not ok
            print(f"{fixture:<20}{label:<24}{adapters:>9}{'yes' if adapter_ok and not bad else 'NO':>6}{effect:>10.2e}"
                  f"{e_hf:>14.2e}{e_lc:>13.2e}{e_merge:>11.2e}{'' if ok else '   FAIL'}")
            for note in notes:
                print("   " + note)
            if not ok and effect <= MIN_EFFECT:
                print(f"   the adapters change the logits by {effect:.2e} only (need > {MIN_EFFECT:g})")
            if base_note:
                print("   " + base_note)
            for m in messages:
                if m not in bad:
                    print("   note while loading:", m.splitlines()[0][:160])
    print(f"tolerance {TOLERANCE:g} (max |a - b| / max |b|, float32; logits over real tokens); effect: peft with "
          f"against without adapters, must exceed {MIN_EFFECT:g}; {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
